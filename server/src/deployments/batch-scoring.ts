import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { quoteIdent, quoteLiteral, type ColumnBatch, type ColumnInfo } from '@pipewright/nodes';
import { DataSource } from 'typeorm';
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
/** How often a process tells the database that the batch jobs it runs are alive. */
const HEARTBEAT_MS = 15_000;
/** A running job not heard from for this long has lost its process. */
export const ABANDONED_AFTER_SECONDS = 120;
export const ABANDONED_ERROR = 'the server stopped while scoring; start the batch again';

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

interface BatchJobRow {
  id: string;
  deployment_name: string;
  version: number;
  input: string;
  status: BatchJob['status'];
  progress: number;
  rows_done: string;
  rows_total: string | null;
  output: BatchJob['output'] | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * Scores a whole dataset (CSV or Parquet in the datasets directory) with a
 * deployment's active version, 10,000 rows at a time, and writes the input
 * rows plus `prediction` (and `probability_<class>`) as a new Parquet
 * dataset. A job runs in the server process that started it, but its record
 * (status, progress, outcome) is the `batch_jobs` row, written at the start,
 * after each chunk and at the end: any server instance answers for it, and a
 * restart forgets nothing.
 *
 * A process that dies mid-job cannot say so, hence a heartbeat: while a
 * process runs jobs it refreshes their `heartbeat_at` every 15 s (and with
 * each chunk's progress), and a running job not heard from for two minutes
 * has lost its process. Such jobs are marked failed when a process starts
 * and whenever one is read, so none stays "running" forever. (A heartbeat on
 * the job itself needs no registry of server instances: the worker registry
 * knows only workers, and an API server that runs no worker is in no list.)
 * A process that stops cleanly fails its own running jobs at once.
 */
@Injectable()
export class BatchScoring implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('BatchScoring');
  /** The jobs this process is running: the ones its heartbeat keeps alive. */
  private readonly running = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deployments: DeploymentsService,
    private readonly datasets: DatasetsService,
  ) {}

  private get datasetsDir(): string {
    return this.datasets.datasetsDir;
  }

  /** After the migrations (they run in onModuleInit): fails the jobs whose process is gone, then keeps ours alive. */
  async onApplicationBootstrap(): Promise<void> {
    const failed = await this.failAbandoned();
    if (failed > 0) this.logger.warn(`${failed} batch job(s) had lost their server: marked failed`);
    this.heartbeat = setInterval(() => {
      if (this.running.size === 0) return;
      this.db
        .query(`UPDATE batch_jobs SET heartbeat_at = now() WHERE id = ANY($1) AND status = 'running'`, [
          [...this.running],
        ])
        .catch((error: Error) => this.logger.warn(`batch job heartbeat: ${error.message}`));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.running.size === 0) return;
    await this.db.query(
      `UPDATE batch_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = ANY($1) AND status = 'running'`,
      [[...this.running], ABANDONED_ERROR],
    );
  }

  async start(name: string, input: string, caller: Caller): Promise<BatchJob> {
    const deployment = await this.deployments.find(name, caller);
    const bundle = await this.deployments.bundle(name, undefined, caller);
    const path = await this.inputPath(input, caller.workspaceId);
    const [row] = (await this.db.query(
      `INSERT INTO batch_jobs (id, deployment_id, deployment_name, version, workspace_id, input, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING *`,
      [randomUUID(), deployment.id, name, bundle.version, caller.workspaceId, input],
    )) as BatchJobRow[];
    const job = jobOf(row);
    this.running.add(job.id);
    void this.run({ ...job }, bundle, path, caller.workspaceId).finally(() => this.running.delete(job.id));
    return job;
  }

  async get(name: string, id: string, caller: Caller): Promise<BatchJob> {
    if (!isUuid(id)) throw new NotFoundError('batch job', id);
    await this.failAbandoned(id);
    const [row] = (await this.db.query(
      `SELECT * FROM batch_jobs WHERE id = $1 AND deployment_name = $2 AND workspace_id = $3`,
      [id, name, caller.workspaceId],
    )) as BatchJobRow[];
    if (!row) throw new NotFoundError('batch job', id);
    return jobOf(row);
  }

  /** Marks failed the running jobs (or the one job `id`) not heard from lately; answers how many. */
  private async failAbandoned(id?: string): Promise<number> {
    const [, count] = (await this.db.query(
      `UPDATE batch_jobs SET status = 'failed', error = $1, finished_at = now()
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $2) AND ($3::uuid IS NULL OR id = $3)`,
      [ABANDONED_ERROR, ABANDONED_AFTER_SECONDS, id ?? null],
    )) as [unknown, number];
    return count;
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
    let sandbox: DuckDbSandbox | undefined;
    try {
      await mkdir(this.datasetsDir, { recursive: true });
      sandbox = await DuckDbSandbox.open({ jobDir: this.datasetsDir, jobKey: `batch-${job.id}` });
      const reader = /\.parquet$/i.test(path)
        ? `read_parquet(${quoteLiteral(path)})`
        : `read_csv(${quoteLiteral(path)})`;
      await sandbox.exec(`CREATE TABLE input AS SELECT row_number() OVER () AS ${ROW}, * FROM ${reader}`);
      const [{ rows }] = await sandbox.all('SELECT count(*) AS rows FROM input');
      job.rowsTotal = Number(rows);
      await this.saveProgress(job);
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
        await this.saveProgress(job);
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
      sandbox?.close();
    }
    // Only a job still running: one that its stopping process already failed keeps that outcome.
    await this.db
      .query(
        `UPDATE batch_jobs SET status = $2, progress = $3, output = $4, error = $5, finished_at = now()
          WHERE id = $1 AND status = 'running'`,
        [job.id, job.status, job.progress, job.output ?? null, job.error ?? null],
      )
      .catch((error: Error) => this.logger.error(`batch ${job.id}: could not record its outcome: ${error.message}`));
  }

  private async saveProgress(job: BatchJob): Promise<void> {
    await this.db.query(
      `UPDATE batch_jobs SET rows_done = $2, rows_total = $3, progress = $4, heartbeat_at = now()
        WHERE id = $1 AND status = 'running'`,
      [job.id, job.rowsDone, job.rowsTotal, job.progress],
    );
  }
}

function jobOf(row: BatchJobRow): BatchJob {
  return {
    id: row.id,
    deployment: row.deployment_name,
    version: row.version,
    input: row.input,
    status: row.status,
    progress: row.progress,
    rowsDone: Number(row.rows_done),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    ...(row.output ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
  };
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
