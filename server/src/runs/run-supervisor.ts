import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { JobQueue, type NodeJobState, type QueueName } from '../queue/job-queue.js';
import { RunScheduler } from './run-scheduler.js';

/** A node of an unfinished run that waits on a job, as the supervisor reads it. */
interface WaitingNode {
  run_id: string;
  node_id: string;
  queue: QueueName;
  job_id: string;
}

/**
 * Finds runs that would otherwise never end: a node whose job failed for good
 * (pg-boss's retries spent, e.g. its worker killed on every try), was
 * cancelled or deleted in the queue, or ended without recording the node.
 * The node fails with the reason, and with it the run. Every server runs this
 * check; recording a failure locks the run's row and does nothing to a node
 * already finished, so two servers finding the same node record it once.
 */
@Injectable()
export class RunSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunSupervisor');
  private timer?: NodeJS.Timeout;
  private checking?: Promise<number>;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly scheduler: RunScheduler,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.settings.runCheckSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers how many nodes it failed. Passes never overlap. */
  check(): Promise<number> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<number> {
    let failed = 0;
    try {
      const waiting = (await this.db.query(
        `SELECT n.run_id, n.node_id, n.queue, n.job_id
           FROM run_nodes n JOIN runs r ON r.id = n.run_id
          WHERE r.status IN ('queued', 'running') AND n.status IN ('queued', 'running')
            AND n.job_id IS NOT NULL AND n.queue IS NOT NULL`,
      )) as WaitingNode[];
      for (const node of waiting) {
        const reason = whyItWillNeverRun(await this.queue.nodeJob(node.queue, node.job_id));
        if (!reason) continue;
        this.logger.warn(`run ${node.run_id}: node ${node.node_id} fails: ${reason}`);
        await this.scheduler.fail(node.run_id, node.node_id, { message: reason });
        failed += 1;
      }
    } catch (error) {
      // The database may be restarting: the next pass tries again.
      this.logger.warn(`could not check unfinished runs: ${String(error)}`);
    }
    return failed;
  }
}

/** Undefined while the job may still run the node (waiting, running, or to be retried). */
export function whyItWillNeverRun(job: NodeJobState | null): string | undefined {
  if (!job) return 'its job no longer exists in the queue (deleted, or the database was restored without it)';
  switch (job.state) {
    case 'failed': {
      const tries = job.retryCount + 1;
      const last = messageOf(job.output);
      return `its job failed for good after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${
        last ?? 'the worker running it stopped each time (killed, out of memory, or cut off from the database)'
      }`;
    }
    case 'cancelled':
      return 'its job was cancelled in the queue outside Pipewright';
    case 'completed':
      return 'its job ended without recording how the node ended';
    default:
      return undefined;
  }
}

function messageOf(output: object | null): string | undefined {
  const message = (output as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.trim() ? message.split('\n')[0] : undefined;
}
