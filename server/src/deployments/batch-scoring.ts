import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { quoteIdent, quoteLiteral, type ColumnBatch, type ColumnInfo } from '@pipewright/nodes';
import { DataSource } from 'typeorm';
import { ApiError } from '../api/api-errors.js';
import { DATASET_PARQUET_WRITE, DatasetsService } from '../datasets/datasets.service.js';
import { rowSchema } from '../predict/request-rows.js';
import { predictionsOf, scoreAnyRequest } from '../predict/score-rows.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import { DuckDbSandbox } from '../runtime/duckdb-sandbox.js';
import { BatchJobs, jobOf, type BatchJob, type BatchJobRow } from './batch-jobs.js';
import { DeploymentRepository } from './deployment.repository.js';

const CHUNK_ROWS = 10_000;
const ROW = 'pipewright_row';
/** How often a worker tells the database that the batch it scores is alive. */
const HEARTBEAT_MS = 15_000;

/** A failure of the batch itself (its data, its dataset): trying again would only fail the same way. */
export class BatchFailed extends Error {}

/**
 * A worker's side of batch scoring (a pg-boss `batch` job): scores a whole dataset (CSV or Parquet in the
 * datasets directory) with the deployment version the job was accepted for, 10,000 rows at a time, and
 * writes the input rows plus `prediction` (and `probability_<class>`) as a new Parquet dataset. Progress,
 * a heartbeat every 15 s and the outcome go to the job's `batch_jobs` record. A failure of the data is the
 * job's outcome; any other (the worker stopping, the database gone) fails the attempt for pg-boss to retry,
 * from the start, and the last attempt records it.
 */
@Injectable()
export class BatchScoring {
  private readonly logger = new Logger('BatchScoring');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batches: BatchJobs,
    private readonly repository: DeploymentRepository,
    private readonly datasets: DatasetsService,
  ) {}

  private get datasetsDir(): string {
    return this.datasets.datasetsDir;
  }

  /** Runs batch `batchId`; throws (for pg-boss to retry) only what another try may not meet. */
  async score(batchId: string, lastAttempt: boolean, signal: AbortSignal): Promise<void> {
    // A job that finished, or that was failed as abandoned, stays as it is; a retry starts over.
    const [[row]] = (await this.db.query(
      `UPDATE batch_jobs SET heartbeat_at = now(), rows_done = 0, progress = 0
        WHERE id = $1 AND status = 'running' RETURNING *`,
      [batchId],
    )) as [BatchJobRow[], number];
    if (!row) return;
    const job = jobOf(row);
    const heartbeat = setInterval(() => {
      this.db
        .query(`UPDATE batch_jobs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [job.id])
        .catch((error: Error) => this.logger.warn(`batch job heartbeat: ${error.message}`));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await this.run(job, row, signal);
      job.status = 'succeeded';
      job.progress = 100;
    } catch (error) {
      // Its worker is stopping: another takes the job, or else the record is failed once no one keeps it alive.
      if (signal.aborted) throw error;
      if (!(error instanceof BatchFailed || error instanceof ApiError) && !lastAttempt) throw error;
      job.status = 'failed';
      job.error = (error as Error).message;
      this.logger.warn(`batch ${job.id} with ${job.deployment} failed: ${job.error}`);
    } finally {
      clearInterval(heartbeat);
    }
    // Only a job still running: one already failed as abandoned keeps that outcome.
    await this.db.query(
      `UPDATE batch_jobs SET status = $2, progress = $3, output = $4, error = $5, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [job.id, job.status, job.progress, job.output ?? null, job.error ?? null],
    );
  }

  private async run(job: BatchJob, row: BatchJobRow, signal: AbortSignal): Promise<void> {
    const deployment = await this.repository.find(row.deployment_name, row.workspace_id);
    const bundle: ServingBundle = (await this.repository.version(deployment, row.version)).bundle;
    const path = await this.batches.inputPath(row.input, row.workspace_id);
    let sandbox: DuckDbSandbox | undefined;
    try {
      await mkdir(this.datasetsDir, { recursive: true });
      sandbox = await DuckDbSandbox.open({ jobDir: this.datasetsDir, jobKey: `batch-${job.id}`, signal });
      const reader = /\.parquet$/i.test(path)
        ? `read_parquet(${quoteLiteral(path)})`
        : `read_csv(${quoteLiteral(path)})`;
      try {
        await sandbox.exec(`CREATE TABLE input AS SELECT row_number() OVER () AS ${ROW}, * FROM ${reader}`);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new BatchFailed(`could not read the dataset: ${(error as Error).message.split('\n')[0]}`);
      }
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
        signal.throwIfAborted();
        const chunk = await sandbox.all(
          `SELECT * FROM input WHERE ${ROW} > ${offset} AND ${ROW} <= ${offset + CHUNK_ROWS} ORDER BY ${ROW}`,
        );
        let scored;
        try {
          scored = await scoreAnyRequest(bundle, schema, { rows: chunk });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          const row = error.where.row;
          throw new BatchFailed(
            `${error.message.replace(/^row \d+/, `row ${offset + (row ?? 0) + 1} of the dataset`)}`,
          );
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
           TO ${quoteLiteral(join(this.datasetsDir, outputPath))} (${DATASET_PARQUET_WRITE})`,
      );
      const saved = await this.datasets.record(`${stem}.parquet`, outputPath, 'parquet', row.workspace_id);
      job.output = { id: saved.id, name: saved.name, path: saved.path };
    } finally {
      sandbox?.close();
    }
  }

  private async saveProgress(job: BatchJob): Promise<void> {
    await this.db.query(
      `UPDATE batch_jobs SET rows_done = $2, rows_total = $3, progress = $4, heartbeat_at = now()
        WHERE id = $1 AND status = 'running'`,
      [job.id, job.rowsDone, job.rowsTotal, job.progress],
    );
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
