import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db, type Job, type Queue } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database/database-connection.js';

export const QUEUE_NAMES = ['cpu', 'gpu'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

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
    });
    this.boss.on('error', (error: unknown) => this.logger.error(`pg-boss: ${String(error)}`));
    await this.boss.start();
    for (const name of QUEUE_NAMES) await this.boss.createQueue(name, QUEUE_OPTIONS);
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
  offWork(queue: QueueName, wait: boolean): Promise<void> {
    return this.boss.offWork(queue, { wait });
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
