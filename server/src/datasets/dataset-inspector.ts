import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { loadCsv, NodeError, quoteLiteral, type ColumnInfo } from '@pipewright/nodes';
import { BadRequestError } from '../api/api-errors.js';
import { cloneFile } from '../runtime/artifact-store.js';
import { DuckDbSandbox } from '../runtime/duckdb-sandbox.js';
import type { DatasetFormat } from './dataset.entity.js';

/** What a dataset version holds, as a source node would read it with its default params. */
export interface DatasetContent {
  rowCount: number;
  columns: ColumnInfo[];
  /** A CSV's field separator, found from its first line. */
  delimiter?: string;
  /** SHA-256 of the whole file. */
  fingerprint: string;
}

const DELIMITERS = [',', ';', '\t', '|'];
const HEAD_BYTES = 64 * 1024;

/**
 * Reads a dataset file with a sandboxed DuckDB as source.csv / source.parquet
 * would (a CSV's separator is found from its first line): its rows, columns
 * and fingerprint. A file that cannot be read is a 400 naming the line.
 */
export async function inspectDatasetFile(
  path: string,
  format: DatasetFormat,
  shownName: string,
  workDir: string,
): Promise<DatasetContent> {
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, 'dataset-'));
  let sandbox: DuckDbSandbox | undefined;
  try {
    sandbox = await DuckDbSandbox.open({
      jobDir: dir,
      jobKey: 'dataset-inspection',
      limits: { memoryLimit: '1GB', threads: 1, timeoutMs: 5 * 60_000 },
    });
    const staged = join(sandbox.jobDir, `inspect-${basename(path)}`);
    await cloneFile(path, staged);
    sandbox.nameStagedFile(staged, shownName);
    let select: string;
    let delimiter: string | undefined;
    try {
      if (format === 'csv') {
        delimiter = await findDelimiter(path);
        select = (await loadCsv(sandbox, staged, { delimiter, header: true, naValues: [''] })).select;
      } else {
        select = `SELECT * FROM read_parquet(${quoteLiteral(staged)})`;
      }
      const columns = await sandbox.describe(select);
      const [{ rows }] = await sandbox.all(`SELECT count(*) AS rows FROM (${select}) AS counted`);
      return { rowCount: Number(rows), columns, ...(delimiter ? { delimiter } : {}), fingerprint: await sha256(path) };
    } catch (error) {
      if (error instanceof NodeError) {
        throw new BadRequestError(`"${shownName}" cannot be read: ${error.message}`, {
          ...(error.row !== undefined ? { row: error.row } : {}),
          ...(error.column !== undefined ? { column: error.column } : {}),
        });
      }
      throw error;
    }
  } finally {
    sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The separator that splits the first line most often, outside quotes (`,` on a tie or none). */
export async function findDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  return delimiterOf(head.split(/\r?\n/, 1)[0] ?? '');
}

export function delimiterOf(line: string): string {
  const unquoted = line.replace(/"([^"]|"")*"/g, '');
  let best = ',';
  let most = 0;
  for (const candidate of DELIMITERS) {
    const count = unquoted.split(candidate).length - 1;
    if (count > most) {
      best = candidate;
      most = count;
    }
  }
  return best;
}

export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
