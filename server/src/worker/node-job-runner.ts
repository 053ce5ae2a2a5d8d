import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProgressDetail, RunTrigger, TensorFlowApi } from '@pipewright/nodes';
import { ARTIFACT_STORE } from '../artifacts/artifact-store.token.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { RunScheduler, type ClaimedNode, type UnitJob } from '../runs/run-scheduler.js';
import type { ArtifactStore } from '../runtime/artifact-store.js';
import { executeNode, executePart } from '../runtime/execute-node.js';
import { FusedUnit, fusesWithData } from '../runtime/fused-unit.js';
import { NodeRunError } from '../runtime/types.js';
import type { NodeJob, PartJob, QueueName } from '../queue/job-queue.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HeldReports } from './held-reports.js';
import { JobDirectories } from './job-directories.js';
import { NodeFanOut, PART_DONE_CHANNEL, savePart, type StoredPart } from './node-fan-out.js';

/**
 * A run someone started from the studio or the API is waited on: its SQL gets
 * the shorter limit, so a runaway query gives its worker back soon. Schedules,
 * new dataset versions and the CLI get the batch limit.
 */
export function sqlTimeoutMs(settings: Settings, trigger: RunTrigger | null): number {
  const interactive = trigger === null || trigger.kind === 'user';
  return (interactive ? settings.sqlTimeoutSeconds.interactive : settings.sqlTimeoutSeconds.batch) * 1000;
}

/** Why a running node was stopped: its run was cancelled, or its worker is shutting down. */
export class RunCancelled extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'RunCancelled';
  }
}

export class WorkerStopping extends Error {
  constructor() {
    super('the worker is stopping; the job goes back to the queue');
    this.name = 'WorkerStopping';
  }
}

/**
 * Runs one node of a run: claims it, hands it its upstream outputs, streams
 * its progress and logs into the run's events, and records how it ended. A
 * node's own failure is recorded, never retried; an error thrown from here
 * (the worker stopping, the database gone) fails the job so that pg-boss
 * gives it to a worker again.
 */
@Injectable()
export class NodeJobRunner {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly directories: JobDirectories,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly scheduler: RunScheduler,
    private readonly datasets: DatasetsService,
    private readonly fanOut: NodeFanOut,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Runs the node of a job. A data node's job becomes a fused unit (FusedUnit): the data nodes it makes ready
   * are held for this job and run here after it, one at a time, in one DuckDB with the tables between them
   * kept in memory; each is still claimed, reported and recorded as a node of its own. A job given again
   * (its worker stopped) goes on with the nodes held for it.
   */
  async run(
    job: NodeJob & { jobId?: string; queue?: QueueName },
    tf: TensorFlowApi,
    signal: AbortSignal,
  ): Promise<void> {
    const { runId, nodeId, jobId } = job;
    let claimed = await this.scheduler.claim(runId, nodeId);
    if (!claimed && jobId) claimed = await this.scheduler.claimHeld(runId, jobId);
    if (!claimed) return;
    if (!jobId || !job.queue || !this.settings.fuseDataNodes || !fusesWithData(claimed.job)) {
      await this.runNode(claimed, tf, signal);
      return;
    }
    const unitJob: UnitJob = { jobId, queue: job.queue, fuses: (planned) => fusesWithData(planned) };
    const unit = await FusedUnit.open({
      store: this.store,
      workDir: this.directories.own,
      plan: claimed.run.plan,
      sqlLimits: { timeoutMs: sqlTimeoutMs(this.settings, claimed.run.trigger) },
      signal,
    });
    try {
      let next: ClaimedNode | undefined = claimed;
      while (next) {
        const ran = await this.runNode(next, tf, signal, unit, unitJob);
        if (ran === 'cancelled') return;
        // A success claims the next held node with it; after a failure (or a success recorded by no one) the
        // nodes held for this job are looked up.
        next = typeof ran === 'object' ? ran : await this.scheduler.claimHeld(runId, jobId);
      }
    } finally {
      await unit.close();
    }
  }

  /**
   * Runs one claimed node and records how it ended; answers `cancelled` when the run was (nothing more of it
   * runs here), and after a success in a unit the next node held for it, claimed in the same transaction. An
   * error thrown from here (the worker stopping, the database gone) fails the job.
   */
  private async runNode(
    claimed: ClaimedNode,
    tf: TensorFlowApi,
    signal: AbortSignal,
    unit?: FusedUnit,
    unitJob?: UnitJob,
  ): Promise<ClaimedNode | 'cancelled' | 'done'> {
    const runId = claimed.run.id;
    const nodeId = claimed.job.nodeId;
    // Progress and logs are appended in the order the node reports them, and all before the node's end: the
    // last ones, still held when it ends, in the transaction that records the end.
    const reports = new HeldReports((batch) =>
      this.scheduler.report(runId, batch).catch((error: unknown) => {
        this.logger.warn(`could not record progress of ${nodeId} in run ${runId}: ${String(error)}`);
      }),
    );

    try {
      const result = await executeNode(
        {
          runId,
          nodeId,
          type: claimed.job.type,
          version: claimed.job.version,
          params: claimed.job.params,
          inputs: claimed.inputs,
          useCache: true,
          ...(claimed.job.sample ? { sample: claimed.job.sample } : {}),
        },
        {
          store: this.store,
          tf,
          dataDirs: this.dataDirs(claimed),
          // A source node reads only its own workspace's datasets.
          mayRead: (realPath) => this.datasets.readableBy(claimed.run.workspaceId, realPath),
          datasets: this.datasets.resolverFor(claimed.run.workspaceId),
          workDir: this.directories.own,
          connections: this.settings.connections,
          postgresRowLimit: this.settings.postgresRowLimit,
          sqlLimits: { timeoutMs: sqlTimeoutMs(this.settings, claimed.run.trigger) },
          signal,
          fanOut: (jobKey) => this.fanOut.forNode(runId, nodeId, jobKey, signal),
          onProgress: (pct: number, detail: ProgressDetail) =>
            reports.add({ type: 'node-progress', nodeId, pct, ...detail }),
          onLog: (level, message) => reports.add({ type: 'node-log', nodeId, level, message }),
          ...(unit ? { unit } : {}),
        },
      );
      return (await this.scheduler.succeed(runId, nodeId, result, unitJob, await reports.end())) ?? 'done';
    } catch (error) {
      const held = await reports.end();
      if (signal.aborted && !(signal.reason instanceof RunCancelled)) throw signal.reason ?? error;
      if (signal.reason instanceof RunCancelled || (error instanceof NodeRunError && error.cancelled)) {
        await this.scheduler.cancelled(runId, nodeId);
        return 'cancelled';
      }
      const failure =
        error instanceof NodeRunError
          ? error.failure
          : {
              message: `${claimed.job.type} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
            };
      await this.scheduler.fail(runId, nodeId, failure, held);
      return 'done';
    }
  }

  /**
   * Runs one part of a running node's work (NodeFanOut) and stores its
   * result, or the node's error, under the part's key, then announces it.
   * Nothing to do when the part is stored already (a job delivered twice) or
   * nothing waits for it (the run ended, the node is not running).
   * `worker` names this worker beside the result (a tuning node shows where each trial ran).
   */
  async runPart(job: PartJob, tf: TensorFlowApi, signal: AbortSignal, worker: string): Promise<void> {
    if (await this.store.has(job.partKey)) return this.announcePart(job.partKey);
    const claimed = await this.scheduler.runningNode(job.runId, job.nodeId);
    if (!claimed) return;
    let stored: StoredPart;
    try {
      const result = await executePart(
        {
          runId: job.runId,
          nodeId: job.nodeId,
          type: claimed.job.type,
          version: claimed.job.version,
          params: claimed.job.params,
          inputs: claimed.inputs,
          useCache: false,
          jobKey: job.jobKey,
          part: job.part,
        },
        {
          store: this.store,
          tf,
          dataDirs: this.dataDirs(claimed),
          mayRead: (realPath) => this.datasets.readableBy(claimed.run.workspaceId, realPath),
          datasets: this.datasets.resolverFor(claimed.run.workspaceId),
          workDir: this.directories.own,
          connections: this.settings.connections,
          signal,
          // The node's own job reports progress as parts finish; a part's own reports would interleave.
          onProgress: () => undefined,
          onLog: (level, message) => {
            if (level !== 'info') this.logger.warn(`part of ${job.nodeId} in run ${job.runId}: ${message}`);
          },
        },
      );
      stored = { result, worker };
    } catch (error) {
      if (signal.reason instanceof RunCancelled) return;
      if (signal.aborted) throw signal.reason ?? error;
      if (!(error instanceof NodeRunError) || error.cancelled) throw error;
      stored = { failure: error.failure };
    }
    await savePart(this.store, job.partKey, this.directories.own, stored);
    await this.announcePart(job.partKey);
  }

  private async announcePart(key: string): Promise<void> {
    await this.db.query(`SELECT pg_notify($1, $2)`, [PART_DONE_CHANNEL, key]);
  }

  /** The directories the run brings first (a CLI file's own directory), then the worker's. */
  private dataDirs(claimed: ClaimedNode): string[] {
    return [...new Set([...claimed.run.dataDirs, ...this.settings.dataDirs])];
  }
}
