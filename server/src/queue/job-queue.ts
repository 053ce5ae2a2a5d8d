import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db, type Job, type Queue } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database/database-connection.js';

/** The queues of node jobs: `gpu` only when a GPU worker is alive. */
export const NODE_QUEUES = ['cpu', 'gpu'] as const;
export type QueueName = (typeof NODE_QUEUES)[number];

/** What a node job carries: the rest is in the run. */
export interface NodeJob {
  runId: string;
  nodeId: string;
}

/**
 * Work other than nodes, each on its own queue with what its job carries: a succeeded run's auto-deploy
 * (enqueued in the transaction that finishes the run), and a batch scoring (in the one that accepts it).
 */
export interface WorkJobs {
  deploy: { runId: string };
  batch: { batchId: string };
  /** An occurrence of a schedule's cron: pg-boss's cron sends it, once across every server. */
  'schedule-fired': { scheduleId: string };
  /** A new dataset version, sent in the transaction that made it: the schedules on that dataset fire. */
  'dataset-version': { versionId: string };
  /** One part of a node's work fanned out over the workers (see NodeFanOut): a forest's trees, a tuning trial. */
  part: PartJob;
}

/** What a part job carries: the node whose `runPart` it runs, and its part. */
export interface PartJob {
  runId: string;
  nodeId: string;
  /** The node's job key: the part's worker computes it again and refuses to run on other inputs. */
  jobKey: string;
  /** Where its result goes in the artifact store. */
  partKey: string;
  part: unknown;
}
export type WorkQueueName = keyof WorkJobs;
const WORK_QUEUES: WorkQueueName[] = ['deploy', 'batch', 'schedule-fired', 'dataset-version', 'part'];
/** Every queue Pipewright makes, as `/metrics` reports them. */
export const ALL_QUEUES: (QueueName | WorkQueueName)[] = [...NODE_QUEUES, ...WORK_QUEUES];

/**
 * How many times a job is tried again when its worker died, shut down or lost the database. A node's own
 * failure is recorded on the run and never retried; deploys and batches likewise record a failure that
 * another try would only repeat, and retry only the rest, recording it on their last try.
 */
export const RETRY_LIMITS: Record<QueueName | WorkQueueName, number> = {
  cpu: 5,
  gpu: 5,
  deploy: 4,
  batch: 2,
  'schedule-fired': 10,
  'dataset-version': 10,
  part: 5,
};

/**
 * Each job carries a heartbeat interval: a worker that stops heartbeating for that long is taken for dead
 * and its job goes to another.
 */
const QUEUE_OPTIONS: Omit<Queue, 'name' | 'retryLimit'> = {
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 6 * 60 * 60,
  deleteAfterSeconds: 24 * 60 * 60,
  notify: true,
};

/** What the run supervisor reads of a node's job. */
export interface NodeJobState {
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retryCount: number;
  retryLimit: number;
  output: object | null;
}

/** pg-boss on the application database (in its own `pgboss` schema). */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private boss!: PgBoss;

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly database: DatabaseConnection,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onModuleInit(): Promise<void> {
    this.boss = new PgBoss({
      connectionString: this.database.url,
      application_name: 'pipewright-queue',
      max: 4,
      useListenNotify: true,
      // Expired and heartbeat-less jobs are found on each supervision pass.
      superviseIntervalSeconds: 15,
      monitorIntervalSeconds: 15,
      // How often schedules are checked for a due occurrence (pg-boss fires each at most once a minute).
      cronMonitorIntervalSeconds: this.settings.scheduleCheckSeconds,
      cronWorkerIntervalSeconds: Math.min(5, this.settings.scheduleCheckSeconds),
    });
    this.boss.on('error', (error: unknown) => this.logger.error(`pg-boss: ${String(error)}`));
    await this.boss.start();
    for (const name of [...NODE_QUEUES, ...WORK_QUEUES]) {
      await this.boss.createQueue(name, { ...QUEUE_OPTIONS, retryLimit: RETRY_LIMITS[name] });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5000 });
  }

  /** Sends a node's job inside the caller's transaction: it exists only if that commits. */
  async send(queue: QueueName, job: NodeJob, manager: EntityManager): Promise<string> {
    return this.sendTo(queue, job, manager, `node ${job.nodeId} of run ${job.runId}`);
  }

  /** Sends a job of `queue` inside the caller's transaction: it exists only if that commits. */
  async sendWork<Q extends WorkQueueName>(queue: Q, job: WorkJobs[Q], manager: EntityManager): Promise<string> {
    return this.sendTo(queue, job, manager, `${queue} ${JSON.stringify(job)}`);
  }

  private async sendTo(queue: string, job: object, manager: EntityManager, what: string): Promise<string> {
    const id = await this.boss.send(queue, job, {
      db: transactionDb(manager),
      heartbeatSeconds: this.settings.jobHeartbeatSeconds,
    });
    if (!id) throw new Error(`pg-boss did not accept a job for ${what}`);
    return id;
  }

  /**
   * Sends parts of a node's work, outside any transaction: the node's own job is running and waits for them;
   * should it die, its next attempt sends the parts not yet done again.
   */
  async sendParts(jobs: PartJob[]): Promise<string[]> {
    const ids: string[] = [];
    for (const job of jobs) {
      const id = await this.boss.send('part', job, { heartbeatSeconds: this.settings.jobHeartbeatSeconds });
      if (!id) throw new Error(`pg-boss did not accept part ${job.partKey} of node ${job.nodeId}`);
      ids.push(id);
    }
    return ids;
  }

  /** Where a part job stands: `failed` once its last try failed, `cancelled` when withdrawn, undefined when gone. */
  async partState(jobId: string): Promise<string | undefined> {
    return (await this.boss.getJobById('part', jobId))?.state;
  }

  async cancelParts(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.boss.cancel('part', jobIds);
  }

  async cancel(queue: QueueName, jobIds: string[], manager: EntityManager): Promise<void> {
    if (jobIds.length > 0) await this.boss.cancel(queue, jobIds, { db: transactionDb(manager) });
  }

  /**
   * Where a node's job stands in pg-boss: null when it no longer exists
   * (deleted, or a database restored without it).
   */
  async nodeJob(queue: QueueName, id: string): Promise<NodeJobState | null> {
    const job = await this.boss.getJobById<NodeJob>(queue, id);
    if (!job) return null;
    return { state: job.state, retryCount: job.retryCount, retryLimit: job.retryLimit, output: job.output };
  }

  work(queue: QueueName, concurrency: number, handler: (job: Job<NodeJob>) => Promise<void>): Promise<string> {
    return this.workOn(queue, concurrency, handler);
  }

  /** Takes jobs of `queue`; the handler's throw fails the attempt, which pg-boss retries up to RETRY_LIMITS. */
  workOn<Q extends QueueName | WorkQueueName>(
    queue: Q,
    concurrency: number,
    handler: (job: Job<Q extends WorkQueueName ? WorkJobs[Q] : NodeJob>) => Promise<void>,
  ): Promise<string> {
    // With NOTIFY on, pg-boss polls only every 30 s by default, and a worker busy when two jobs arrive wakes
    // for one of them: the other (a second branch of the same run) waited up to 30 s. Polling stays at 2 s.
    return this.boss.work<Q extends WorkQueueName ? WorkJobs[Q] : NodeJob>(
      queue,
      { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
      async ([job]) => handler(job),
    );
  }

  /** Stops fetching from `queue`; with `wait`, resolves once the running handlers are done. */
  offWork(queue: QueueName | WorkQueueName, wait: boolean): Promise<void> {
    return this.boss.offWork(queue, { wait });
  }

  /**
   * A cron schedule (keyed `key`) that sends `{scheduleId}` to `schedule-fired`
   * on each occurrence, written in the caller's transaction. Throws pg-boss's
   * assertion for a bad expression or time zone.
   */
  async schedule(
    key: string,
    cron: string,
    timezone: string,
    job: WorkJobs['schedule-fired'],
    manager: EntityManager,
  ): Promise<void> {
    await this.boss.schedule('schedule-fired', cron, job, { key, tz: timezone, db: transactionDb(manager) });
  }

  async unschedule(key: string, manager: EntityManager): Promise<void> {
    await this.boss.unschedule('schedule-fired', key, { db: transactionDb(manager) });
  }

  /** The next occurrences of a cron expression in a time zone, as pg-boss's cron will evaluate it. */
  nextOccurrences(cron: string, timezone: string, count = 1): Date[] {
    return this.boss.previewSchedule(cron, { tz: timezone, count });
  }
}

/** Whether a job's attempt is its last: a failure now is final, and the job's own record must say so. */
export function isLastAttempt(job: Job<unknown>, queue: QueueName | WorkQueueName): boolean {
  return job.retryCount >= RETRY_LIMITS[queue];
}

/** pg-boss statements run on the connection of a TypeORM transaction. */
function transactionDb(manager: EntityManager): Db {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('a job is sent inside a transaction');
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await runner.query(text, values, true);
      return { rows: result.records as unknown[] };
    },
  };
}
