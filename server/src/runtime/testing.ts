import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  quoteLiteral,
  registry,
  type FanOut,
  type MetricsValue,
  type ModelBundle,
  type PortValue,
  type ProgressDetail,
  type Row,
  type SqlValue,
  type TableRef,
} from '@pipewright/nodes';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { LocalArtifactStore, type ArtifactStore } from './artifact-store.js';
import { plainSqlValue } from './duckdb-types.js';
import { executeNode, executePart } from './execute-node.js';
import { loadTensorFlow } from './tensorflow-backend.js';
import type { ExecuteNodeDeps, ExecuteNodeRequest } from './types.js';

// What node tests use of the runtime beside running nodes: this file is their one entry into the
// server (`@pipewright/server/testing`).
export { NodeRunError } from './types.js';
export { loadTensorFlow } from './tensorflow-backend.js';
export { writeOnnx } from '../model-export/onnx-writer.js';

/**
 * Runs nodes in tests through the real runtime: a real artifact store in a
 * temporary directory, real DuckDB, TensorFlow.js on the best backend here
 * (wasm on machines without libtensorflow).
 */

/** The repository root; relative data paths in tests resolve against it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

let scratch: string | undefined;

function scratchDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(join(tmpdir(), 'pipewright-test-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** The artifact store shared by the tests of this process. */
export function testStore(): LocalArtifactStore {
  return new LocalArtifactStore(join(scratchDir(), 'store'));
}

export interface TestRunOptions {
  /** Answer from the store when the same job ran before (default false: always run). */
  useCache?: boolean;
  /** Directories source nodes may read (default: the repository root). */
  dataDirs?: string[];
  nodeId?: string;
  signal?: AbortSignal;
  /** Named database connections (name → postgres:// URL). */
  connections?: Record<string, string>;
  /** The job's DuckDB limits (memory, threads, statement time). */
  sqlLimits?: ExecuteNodeDeps['sqlLimits'];
  /**
   * Gives the node a ctx.fanOut whose parts run here, one after another, each
   * through executePart as a worker runs a part job (`workers` live, default 2).
   */
  partsInProcess?: { workers?: number };
  /** The sample a source is asked to read, as the compiler hands it to a source before sample.rows. */
  sample?: ExecuteNodeRequest['sample'];
}

export interface TestRun {
  key: string;
  cached: boolean;
  durationMs: number;
  outputs: Record<string, PortValue>;
  progress: { pct: number; detail: ProgressDetail }[];
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  readTable(ref: PortValue | undefined): Promise<Record<string, SqlValue>[]>;
}

export async function runNodeForTest(
  type: string,
  params: Record<string, unknown> = {},
  inputs: Record<string, PortValue> = {},
  options: TestRunOptions = {},
): Promise<TestRun> {
  const { tf } = await loadTensorFlow({ log: () => undefined });
  const progress: TestRun['progress'] = [];
  const logs: TestRun['logs'] = [];
  const deps: ExecuteNodeDeps = {
    store: testStore(),
    tf,
    dataDirs: options.dataDirs ?? [REPO_ROOT],
    workDir: join(scratchDir(), 'work'),
    signal: options.signal ?? new AbortController().signal,
    onProgress: (pct, detail) => progress.push({ pct, detail }),
    onLog: (level, message) => logs.push({ level, message }),
    connections: options.connections,
    sqlLimits: options.sqlLimits,
  };
  const request = {
    runId: 'test-run',
    nodeId: options.nodeId ?? type.replace('.', '-'),
    type,
    version: registry.get(type)?.version ?? 1,
    params,
    inputs,
    useCache: options.useCache ?? false,
    ...(options.sample ? { sample: options.sample } : {}),
  };
  if (options.partsInProcess) {
    const partDeps: ExecuteNodeDeps = { ...deps, onProgress: () => undefined, onLog: () => undefined };
    deps.fanOut = (jobKey): Promise<FanOut> =>
      Promise.resolve({
        workers: options.partsInProcess?.workers ?? 2,
        map: async <T, R>(parts: T[], onResult?: (done: number, index: number, result: R) => Promise<void> | void) => {
          const results: R[] = [];
          for (const [index, part] of parts.entries()) {
            results.push((await executePart({ ...request, jobKey, part }, partDeps)) as R);
            await onResult?.(index + 1, index, results[index]);
          }
          return results;
        },
      });
  }
  const result = await executeNode(request, deps);
  return { ...result, progress, logs, readTable: (ref) => readTable(ref) };
}

/** The rows of a stored table, as plain values. */
export async function readTable(
  ref: PortValue | undefined,
  store: ArtifactStore = testStore(),
): Promise<Record<string, SqlValue>[]> {
  if (ref?.kind !== 'table') throw new Error(`expected a table, got ${ref?.kind ?? 'nothing'}`);
  const path = await store.localPath(ref.uri);
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    connection.closeSync();
    return reader.getRowObjectsJS().map((row) => {
      const plain: Record<string, SqlValue> = {};
      for (const [name, value] of Object.entries(row)) plain[name] = plainSqlValue(value);
      return plain;
    });
  } finally {
    instance.closeSync();
  }
}

/**
 * The rows of a stored table as a JSON request carries them, for tests that score rows one by one
 * as the prediction service does; a whole number beyond 2^53 (which JSON cannot carry) is refused.
 */
export async function readRequestRows(ref: PortValue | undefined, store?: ArtifactStore): Promise<Row[]> {
  return (await readTable(ref, store)).map((row) => {
    const plain: Row = {};
    for (const [name, value] of Object.entries(row)) {
      if (typeof value === 'bigint') throw new Error(`column ${name} holds ${value}, beyond a JSON number`);
      plain[name] = value;
    }
    return plain;
  });
}

/** Reads a CSV (relative to the repository root) with source.csv, cached across a test file. */
export async function loadCsvTable(path: string, params: Record<string, unknown> = {}): Promise<TableRef> {
  const run = await runNodeForTest('source.csv', { path, ...params }, {}, { useCache: true });
  const table = run.outputs.out;
  if (table?.kind !== 'table') throw new Error('source.csv gave no table');
  return table;
}

/** A table of CSV `lines` (the header first), written to a fresh directory and read with source.csv. */
export async function tableFromCsvLines(lines: string[]): Promise<TableRef> {
  const dir = mkdtempSync(join(scratchDir(), 'csv-'));
  writeFileSync(join(dir, 'table.csv'), `${lines.join('\n')}\n`);
  const run = await runNodeForTest('source.csv', { path: 'table.csv' }, {}, { dataDirs: [dir] });
  const table = run.outputs.out;
  if (table?.kind !== 'table') throw new Error('source.csv gave no table');
  return table;
}

/** A dataset's fixed train/test split from test/fixtures/data/splits (the one scikit-learn's reference figures use). */
export async function loadSplit(name: string): Promise<{ train: TableRef; test: TableRef }> {
  return {
    train: await loadCsvTable(`test/fixtures/data/splits/${name}.train.csv`),
    test: await loadCsvTable(`test/fixtures/data/splits/${name}.test.csv`),
  };
}

/** A model's metrics on a table: evaluate.score, then evaluate.classification or evaluate.regression by its task. */
export async function testMetrics(model: ModelBundle, test: TableRef): Promise<MetricsValue['metrics']> {
  const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
  const evaluate = model.task === 'classification' ? 'evaluate.classification' : 'evaluate.regression';
  return ((await runNodeForTest(evaluate, {}, { in: scored.outputs.out })).outputs.metrics as MetricsValue).metrics;
}

/** A PostgreSQL of a test's own. */
export interface TestPostgres {
  url: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A fresh embedded PostgreSQL (the one `npm start` runs) in a scratch directory, for the tests of what
 * reads PostgreSQL: they run everywhere, against a real server, with nothing to set up.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'pipewright-test-pg-'));
  // As root, PostgreSQL runs as the postgres user, which must reach its data directory.
  await chmod(dir, 0o755);
  try {
    const embedded = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    return {
      url: embedded.url,
      async stop() {
        await embedded.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs SQL statements in a fresh in-memory DuckDB and returns the rows of the
 * last, for node tests that make their own files (nodes/ stays free of the engine).
 */
export async function duckdbForTest(statements: string[]): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const sql of statements.slice(0, -1)) await connection.run(sql);
    return (await connection.runAndReadAll(statements.at(-1)!)).getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
