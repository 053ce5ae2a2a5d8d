import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { quoteIdent, quoteLiteral, type ColumnBatch, type ColumnInfo } from '@pipewright/nodes';
import { ApiError, BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Caller } from '../auth/roles.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { rowSchema } from '../predict/request-rows.js';
import { predictionsOf, scoreRequest } from '../predict/score-rows.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { DuckDbSandbox } from '../runtime/duckdb-sandbox.js';
import { DeploymentsService } from './deployments.service.js';

const CHUNK_ROWS = 10_000;
const ROW = 'pipewright_row';

export interface BatchJob {
  id: string;
  deployment: string;
  version: number;
  input: string;
  status: 'running' | 'succeeded' | 'failed';
  /** 0 to 100. */
  progress: number;
  rowsDone: number;
  rowsTotal: number | null;
  /** The predictions, as a dataset (what source.parquet's `path` takes). */
  output?: { id: string; name: string; path: string };
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

/**
 * Scores a whole dataset (CSV or Parquet in the datasets directory) with a
 * deployment's active version, 10,000 rows at a time, and writes the input
 * rows plus `prediction` (and `probability_<class>`) as a new Parquet
 * dataset. Jobs run in this server process; their progress is kept here.
 */
@Injectable()
export class BatchScoring {
  private readonly logger = new Logger('BatchScoring');
  /** Job id → the job and the workspace it scores for. */
  private readonly jobs = new Map<string, { job: BatchJob; workspaceId: string }>();

  constructor(
    private readonly deployments: DeploymentsService,
    private readonly datasets: DatasetsService,
  ) {}

  private get datasetsDir(): string {
    return this.datasets.datasetsDir;
  }

  async start(name: string, input: string, caller: Caller): Promise<BatchJob> {
    const bundle = await this.deployments.bundle(name, undefined, caller);
    const path = await this.inputPath(input, caller.workspaceId);
    const job: BatchJob = {
      id: randomUUID(),
      deployment: name,
      version: bundle.version,
      input,
      status: 'running',
      progress: 0,
      rowsDone: 0,
      rowsTotal: null,
      startedAt: new Date().toISOString(),
    };
    this.jobs.set(job.id, { job, workspaceId: caller.workspaceId });
    void this.run(job, bundle, path, caller.workspaceId);
    return { ...job };
  }

  get(name: string, id: string, caller: Caller): BatchJob {
    const entry = this.jobs.get(id);
    if (!entry || entry.job.deployment !== name || entry.workspaceId !== caller.workspaceId) {
      throw new NotFoundError('batch job', id);
    }
    return { ...entry.job };
  }

  /** A dataset of the workspace: its id, or its path in the datasets directory (as the datasets list gives it). */
  private async inputPath(input: string, workspaceId: string): Promise<string> {
    const clean = isUuid(input) ? input : normalize(input);
    if (!isUuid(input) && (clean.startsWith('..') || clean.startsWith('/') || !/\.(csv|tsv|parquet)$/i.test(clean))) {
      throw new BadRequestError(`"${input}" is not a CSV or Parquet dataset in the datasets directory`, {
        param: 'dataset',
      });
    }
    const path = join(this.datasetsDir, await this.datasets.pathOf(clean, workspaceId));
    if (!(await stat(path).catch(() => null))?.isFile()) throw new NotFoundError('dataset', input);
    return path;
  }

  private async run(job: BatchJob, bundle: ServingBundle, path: string, workspaceId: string): Promise<void> {
    await mkdir(this.datasetsDir, { recursive: true });
    let sandbox: DuckDbSandbox | undefined;
    try {
      sandbox = await DuckDbSandbox.open({ jobDir: this.datasetsDir, jobKey: `batch-${job.id}` });
      const reader = /\.parquet$/i.test(path)
        ? `read_parquet(${quoteLiteral(path)})`
        : `read_csv(${quoteLiteral(path)})`;
      await sandbox.exec(`CREATE TABLE input AS SELECT row_number() OVER () AS ${ROW}, * FROM ${reader}`);
      const [{ rows }] = await sandbox.all('SELECT count(*) AS rows FROM input');
      job.rowsTotal = Number(rows);
      const schema = rowSchema(bundle.model);
      const model = bundle.model;
      const classes = model.task === 'classification' ? (model.classes ?? []) : undefined;
      const rowNumbers: number[] = [];
      const predictions: (string | number | boolean)[] = [];
      const probabilities: number[][] = (classes ?? []).map(() => []);
      for (let offset = 0; offset < job.rowsTotal; offset += CHUNK_ROWS) {
        const chunk = await sandbox.all(
          `SELECT * FROM input WHERE ${ROW} > ${offset} AND ${ROW} <= ${offset + CHUNK_ROWS} ORDER BY ${ROW}`,
        );
        let scored;
        try {
          scored = scoreRequest(bundle, schema, { rows: chunk });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          const row = error.where.row;
          throw new Error(`${error.message.replace(/^row \d+/, `row ${offset + (row ?? 0) + 1} of the dataset`)}`);
        }
        chunk.forEach((_, i) => rowNumbers.push(offset + i + 1));
        predictions.push(...predictionsOf(model, scored));
        // A classifier's outputs: one probability a class, row-major.
        classes?.forEach((_, c) => {
          for (let i = 0; i < scored.count; i++) probabilities[c].push(scored.outputs[i * classes.length + c]);
        });
        job.rowsDone = Math.min(job.rowsTotal, offset + chunk.length);
        job.progress = Math.round((100 * job.rowsDone) / Math.max(job.rowsTotal, 1));
      }
      await sandbox.createTable('predictions', predictionBatch(rowNumbers, predictions, classes, probabilities));
      const stem = `${job.deployment}-v${job.version}-predictions-${job.id.slice(0, 8)}`;
      const outputPath = `${stem}.parquet`;
      const added = ['prediction', ...(classes ?? []).map((c) => `probability_${String(c)}`)];
      const inputColumns = await sandbox.describe('SELECT * FROM input');
      const replaced = inputColumns.filter((c) => added.includes(c.name)).map((c) => quoteIdent(c.name));
      await sandbox.exec(
        `COPY (SELECT i.* EXCLUDE (${[ROW, ...replaced].join(', ')}), p.* EXCLUDE (${ROW})
                FROM input AS i JOIN predictions AS p ON i.${ROW} = p.${ROW} ORDER BY i.${ROW})
           TO ${quoteLiteral(join(this.datasetsDir, outputPath))} (FORMAT parquet, COMPRESSION zstd)`,
      );
      const saved = await this.datasets.record(`${stem}.parquet`, outputPath, 'parquet', workspaceId);
      job.output = { id: saved.id, name: saved.name, path: saved.path };
      job.status = 'succeeded';
      job.progress = 100;
    } catch (error) {
      job.status = 'failed';
      job.error = (error as Error).message;
      this.logger.warn(`batch ${job.id} with ${job.deployment} failed: ${job.error}`);
    } finally {
      job.finishedAt = new Date().toISOString();
      sandbox?.close();
    }
  }
}

function predictionBatch(
  rowNumbers: number[],
  predictions: (string | number | boolean)[],
  classes: (string | number | boolean)[] | undefined,
  probabilities: number[][],
): ColumnBatch {
  const predictionType: ColumnInfo['type'] =
    typeof predictions[0] === 'number' ? 'number' : typeof predictions[0] === 'boolean' ? 'boolean' : 'string';
  return {
    rowCount: rowNumbers.length,
    columns: [
      { name: ROW, type: 'number', sqlType: 'DOUBLE' },
      { name: 'prediction', type: predictionType, sqlType: predictionType === 'number' ? 'DOUBLE' : 'VARCHAR' },
      ...(classes ?? []).map((c): ColumnInfo => ({
        name: `probability_${String(c)}`,
        type: 'number',
        sqlType: 'DOUBLE',
      })),
    ],
    values: [
      Float64Array.from(rowNumbers),
      predictionType === 'number' ? Float64Array.from(predictions as number[]) : (predictions as (string | boolean)[]),
      ...probabilities.map((p) => Float64Array.from(p)),
    ],
  };
}
