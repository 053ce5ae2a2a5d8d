import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db, type Job, type Queue } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database/database-connection.js';

export const QUEUE_NAMES = ['cpu', 'gpu'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Queues of what starts runs: `schedule-fired` gets a job from pg-boss's
 * cron for each occurrence of a schedule, `dataset-version` one for each new
 * dataset version (sent in the transaction that made it).
 */
export const TRIGGER_QUEUES = ['schedule-fired', 'dataset-version'] as const;
export type TriggerQueue = (typeof TRIGGER_QUEUES)[number];

/** What a job carries: the rest is in the run. */
export interface NodeJob {
  runId: string;
  nodeId: string;
}

/**
 * Node failures are recorded on the run and never retried; a job fails (and
 * is retried) only when its worker died or shut down mid-job, or could not
 * reach the database. Each job carries a heartbeat interval: a worker that
 * stops heartbeating for that long is taken for dead and its job goes to
 * another.
 */
const TRIGGER_QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  retryLimit: 10,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 15 * 60,
  deleteAfterSeconds: 7 * 24 * 60 * 60,
  notify: true,
};

const QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  retryLimit: 5,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 6 * 60 * 60,
  deleteAfterSeconds: 24 * 60 * 60,
  notify: true,
};

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
    for (const name of QUEUE_NAMES) await this.boss.createQueue(name, QUEUE_OPTIONS);
    for (const name of TRIGGER_QUEUES) await this.boss.createQueue(name, TRIGGER_QUEUE_OPTIONS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5000 });
  }

  /** Sends a node's job inside the caller's transaction: it exists only if that commits. */
  async send(queue: QueueName, job: NodeJob, manager: EntityManager): Promise<string> {
    const id = await this.boss.send(queue, job, {
      db: transactionDb(manager),
      heartbeatSeconds: this.settings.jobHeartbeatSeconds,
    });
    if (!id) throw new Error(`pg-boss did not accept a job for node ${job.nodeId} of run ${job.runId}`);
    return id;
  }

  async cancel(queue: QueueName, jobIds: string[], manager: EntityManager): Promise<void> {
    if (jobIds.length > 0) await this.boss.cancel(queue, jobIds, { db: transactionDb(manager) });
  }

  work(queue: QueueName, concurrency: number, handler: (job: Job<NodeJob>) => Promise<void>): Promise<string> {
    // With NOTIFY on, pg-boss polls only every 30 s by default, and a worker busy when two jobs arrive wakes
    // for one of them: the other (a second branch of the same run) waited up to 30 s. Polling stays at 2 s.
    return this.boss.work<NodeJob>(
      queue,
      { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
      async ([job]) => handler(job),
    );
  }

  /** Stops fetching from `queue`; with `wait`, resolves once the running handlers are done. */
  offWork(queue: QueueName | TriggerQueue, wait: boolean): Promise<void> {
    return this.boss.offWork(queue, { wait });
  }

  /** Sends a trigger job inside the caller's transaction: it exists only if that commits. */
  async sendTrigger(queue: TriggerQueue, data: object, manager: EntityManager): Promise<string> {
    const id = await this.boss.send(queue, data, { db: transactionDb(manager) });
    if (!id) throw new Error(`pg-boss did not accept a job on ${queue}`);
    return id;
  }

  /** Takes trigger jobs one at a time; a handler that throws has its job retried. */
  workTriggers<T extends object>(queue: TriggerQueue, handler: (job: Job<T>) => Promise<void>): Promise<string> {
    return this.boss.work<T>(
      queue,
      { localConcurrency: 1, batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
      async ([job]) => handler(job),
    );
  }

  /**
   * A cron schedule (keyed `key`) that sends `data` to `schedule-fired` on
   * each occurrence, written in the caller's transaction. Throws pg-boss's
   * assertion for a bad expression or time zone.
   */
  async schedule(key: string, cron: string, timezone: string, data: object, manager: EntityManager): Promise<void> {
    await this.boss.schedule('schedule-fired', cron, data, { key, tz: timezone, db: transactionDb(manager) });
  }

  async unschedule(key: string, manager: EntityManager): Promise<void> {
    await this.boss.unschedule('schedule-fired', key, { db: transactionDb(manager) });
  }

  /** The next occurrences of a cron expression in a time zone, as pg-boss's cron will evaluate it. */
  nextOccurrences(cron: string, timezone: string, count = 1): Date[] {
    return this.boss.previewSchedule(cron, { tz: timezone, count });
  }
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
