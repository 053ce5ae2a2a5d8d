import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BatchJob } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Caller } from '../auth/roles.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { JobQueue } from '../queue/job-queue.js';
import { DeploymentRepository } from './deployment.repository.js';

/** A running job not heard from for this long has lost its worker (and pg-boss's retries did not bring it back). */
export const ABANDONED_AFTER_SECONDS = 120;
export const ABANDONED_ERROR = 'the server stopped while scoring; start the batch again';

/** A batch-scoring job as the API answers it: the contract's. */
export type { BatchJob };

export interface BatchJobRow {
  id: string;
  deployment_id: string;
  deployment_name: string;
  version: number;
  workspace_id: string;
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
 * Batch scoring as the API sees it: a request is checked (the deployment, its active version, the dataset),
 * recorded in `batch_jobs` and enqueued as a pg-boss `batch` job in one transaction, and any worker takes it
 * (batch-scoring.ts). The record is what every server instance answers from. A worker heartbeats on the
 * record while it scores; pg-boss gives the job of a worker that died to another, and a job that no worker
 * has kept alive for two minutes is marked failed when a server starts and whenever it is read, so none
 * stays "running" forever.
 */
@Injectable()
export class BatchJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('BatchScoring');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: DeploymentRepository,
    private readonly datasets: DatasetsService,
    private readonly queue: JobQueue,
  ) {}

  /** After the migrations (they run in onModuleInit): fails the jobs whose worker is gone. */
  async onApplicationBootstrap(): Promise<void> {
    const failed = await this.failAbandoned();
    if (failed > 0) this.logger.warn(`${failed} batch job(s) had lost their server: marked failed`);
  }

  async start(name: string, input: string, caller: Caller): Promise<BatchJob> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    await this.inputPath(input, caller.workspaceId);
    const [row] = await this.db.transaction(async (tx: EntityManager) => {
      const rows = (await tx.query(
        `INSERT INTO batch_jobs (id, deployment_id, deployment_name, version, workspace_id, input, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING *`,
        [randomUUID(), deployment.id, name, deployment.activeVersion, caller.workspaceId, input],
      )) as BatchJobRow[];
      await this.queue.sendWork('batch', { batchId: rows[0].id }, tx);
      return rows;
    });
    return jobOf(row);
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

  /**
   * The dataset file a batch reads, checked: a dataset of the workspace, by its id or its path in the datasets
   * directory (as the datasets list gives it).
   */
  async inputPath(input: string, workspaceId: string): Promise<string> {
    const clean = isUuid(input) ? input : normalize(input);
    if (!isUuid(input) && (clean.startsWith('..') || clean.startsWith('/') || !/\.(csv|tsv|parquet)$/i.test(clean))) {
      throw new BadRequestError(`"${input}" is not a CSV or Parquet dataset in the datasets directory`, {
        param: 'dataset',
      });
    }
    const path = join(this.datasets.datasetsDir, await this.datasets.pathOf(clean, workspaceId));
    if (!(await stat(path).catch(() => null))?.isFile()) throw new NotFoundError('dataset', input);
    return path;
  }

  /** Marks failed the running jobs (or the one job `id`) that a worker took and no longer keeps alive. */
  private async failAbandoned(id?: string): Promise<number> {
    const [, count] = (await this.db.query(
      `UPDATE batch_jobs SET status = 'failed', error = $1, finished_at = now()
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $2) AND ($3::uuid IS NULL OR id = $3)`,
      [ABANDONED_ERROR, ABANDONED_AFTER_SECONDS, id ?? null],
    )) as [unknown, number];
    return count;
  }
}

export function jobOf(row: BatchJobRow): BatchJob {
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
