import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  isDone,
  isFinal,
  transition,
  type NodeFailure,
  type Plan,
  type PlanJob,
  type PortValue,
  type RunEventBody,
  type RunStatus,
  type RunTrigger,
  type StatusEvent,
} from '@pipewright/nodes';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog, type AuditActor } from '../audit/audit-log.js';
import { RunEventStore, type NodeReport } from '../events/run-event-store.js';
import type { KeyRecipient } from '../auth/key-reveal.js';
import { JobQueue, type QueueName } from '../queue/job-queue.js';
import { metricsOf, summariseOutputs } from './run-outputs.js';
import { downstreamOf } from './plan-graph.js';
import { RunFinishJobs } from './run-finish-jobs.js';
import { RunEntity, RunNodeEntity } from './run.entity.js';

/** The channel a cancelled run's id is announced on, for the workers running its nodes. */
export const RUN_CANCEL_CHANNEL = 'pipewright_run_cancel';

export interface NewRun {
  name: string;
  origin: 'api' | 'cli';
  workspaceId: string;
  createdBy: string | null;
  /** Where a new deployment's API key is sent (encrypted): see RunEntity.keyRecipient. */
  keyRecipient: KeyRecipient | null;
  pipelineId: string | null;
  version: number | null;
  params: Record<string, unknown>;
  plan: Plan;
  dataDirs: string[];
  trigger: RunTrigger;
  /** The schedule that started it, if one did. */
  scheduleId?: string | null;
}

/** A node a worker may now run, with the outputs of the nodes upstream of it. */
export interface ClaimedNode {
  run: RunEntity;
  job: PlanJob;
  inputs: Record<string, PortValue>;
  attempt: number;
}

/**
 * The job of a fused unit (consecutive data nodes on one worker): the nodes that `fuses` accepts, once ready,
 * are held for this job instead of being sent — they keep its id as their job, so the supervisor and a cancel
 * see them as that job's — and the worker running it claims them in turn (claimHeld).
 */
export interface UnitJob {
  jobId: string;
  queue: QueueName;
  fuses(job: PlanJob): boolean;
}

export interface NodeSuccess {
  key: string;
  cached: boolean;
  outputs: Record<string, PortValue>;
  durationMs: number;
}

/**
 * Moves runs forward. Every change happens in a transaction that first locks
 * the run's row, so two workers finishing sibling nodes at once take turns:
 * the second sees the first's result, and each ready node is sent to the
 * queue exactly once, in the same transaction that marks it sent.
 */
@Injectable()
export class RunScheduler {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: RunEventStore,
    private readonly queue: JobQueue,
    private readonly audit: AuditLog,
    private readonly finishJobs: RunFinishJobs,
  ) {}

  /**
   * Creates a run and queues what can start; the audit log says who started
   * it (or which part of Pipewright). Inside `manager`'s transaction when one
   * is given: the run then exists only if that commits. With `answers` (every
   * node's stored result, from CachedRunAnswers) the run is answered from the
   * cache at once and no job is sent.
   */
  async start(
    input: NewRun,
    manager: EntityManager = this.db.manager,
    answers?: ReadonlyMap<string, NodeSuccess>,
  ): Promise<RunEntity> {
    return manager.transaction(async (tx) => {
      const runs = tx.getRepository(RunEntity);
      const run = await runs.save(
        runs.create({
          ...input,
          scheduleId: input.scheduleId ?? null,
          status: 'queued',
          lastSeq: 0,
          cancelRequestedAt: null,
          startedAt: null,
          finishedAt: null,
        }),
      );
      const nodes = input.plan.jobs.map((job) =>
        tx.getRepository(RunNodeEntity).create({
          runId: run.id,
          nodeId: job.nodeId,
          type: job.type,
          status: 'queued',
          queue: null,
          jobId: null,
          attempts: 0,
          cached: false,
          cacheKey: null,
          progress: 0,
          durationMs: null,
          outputs: null,
          metrics: null,
          error: null,
          startedAt: null,
          finishedAt: null,
        }),
      );
      // Nothing has outputs, metrics or an error yet: those columns start null.
      const rows = nodes.map(({ outputs: _o, metrics: _m, error: _e, ...row }) => row);
      if (rows.length > 0) await tx.getRepository(RunNodeEntity).insert(rows);
      await this.audit.record(
        {
          actor:
            input.trigger.kind === 'schedule' || input.trigger.kind === 'dataset'
              ? { system: 'schedule' }
              : input.createdBy
                ? { id: input.createdBy }
                : { system: input.origin },
          action: 'run.started',
          workspaceId: input.workspaceId,
          object: { type: 'run', id: run.id },
          details: {
            name: input.name,
            pipelineId: input.pipelineId,
            version: input.version,
            trigger: input.trigger,
          },
        },
        tx,
      );
      await this.events.appendAll(
        run.id,
        [
          { type: 'run-started' },
          ...input.plan.jobs.map((job) => ({ type: 'node-queued' as const, nodeId: job.nodeId })),
        ],
        tx,
      );
      if (answers) await this.answerFromCache(tx, run, nodes, answers);
      await this.dispatchReady(tx, run, nodes);
      await this.finishIfDone(tx, run, nodes);
      return run;
    });
  }

  /**
   * Marks a node running for a worker. Undefined when there is nothing to
   * run: the run was cancelled or finished, or the node already finished
   * (a job delivered twice).
   */
  async claim(runId: string, nodeId: string): Promise<ClaimedNode | undefined> {
    return this.db.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run || isFinal(run.status) || run.cancelRequestedAt) return undefined;
      return this.claimIn(tx, run, await this.nodes(tx, runId), nodeId);
    });
  }

  /** claim, inside a transaction that locked the run (which is neither final nor being cancelled). */
  private async claimIn(
    tx: EntityManager,
    run: RunEntity,
    nodes: RunNodeEntity[],
    nodeId: string,
    events?: RunEventBody[],
  ): Promise<ClaimedNode | undefined> {
    const runId = run.id;
    const node = nodes.find((n) => n.nodeId === nodeId);
    const job = run.plan.jobs.find((j) => j.nodeId === nodeId);
    if (!node || !job || isFinal(node.status)) return undefined;

    const restarted = node.status === 'running';
    if (!restarted) {
      node.status = transition(node.status, 'start');
      node.startedAt = new Date();
    }
    node.attempts += 1;
    node.progress = 0;
    // An update of the columns that changed: `save` would read the row back first, a round trip more.
    await tx
      .getRepository(RunNodeEntity)
      .update(
        { runId, nodeId },
        { status: node.status, startedAt: node.startedAt, attempts: node.attempts, progress: node.progress },
      );
    if (run.status === 'queued') {
      run.status = runTransition(run.status, 'start');
      run.startedAt = new Date();
      await tx.getRepository(RunEntity).update({ id: run.id }, { status: run.status, startedAt: run.startedAt });
    }
    if (restarted) {
      await this.appendOrAdd(
        runId,
        {
          type: 'node-log',
          nodeId,
          level: 'warn',
          message: 'the worker running this node stopped; running it again',
        },
        tx,
        events,
      );
    }
    await this.appendOrAdd(runId, { type: 'node-started', nodeId }, tx, events);

    return { run, job, inputs: this.inputsOf(run, job, nodes), attempt: node.attempts };
  }

  /**
   * A running node's job and inputs, for a part of its work on another
   * worker; nothing changes. Undefined when nothing waits for the part any
   * more: the run was cancelled or finished, or the node is not running.
   */
  async runningNode(runId: string, nodeId: string): Promise<ClaimedNode | undefined> {
    const run = await this.db.getRepository(RunEntity).findOne({ where: { id: runId } });
    if (!run || isFinal(run.status) || run.cancelRequestedAt) return undefined;
    const nodes = await this.nodes(this.db.manager, runId);
    const node = nodes.find((n) => n.nodeId === nodeId);
    const job = run.plan.jobs.find((j) => j.nodeId === nodeId);
    if (!node || !job || node.status !== 'running') return undefined;
    return { run, job, inputs: this.inputsOf(run, job, nodes), attempt: node.attempts };
  }

  private inputsOf(run: RunEntity, job: PlanJob, nodes: RunNodeEntity[]): Record<string, PortValue> {
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const inputs: Record<string, PortValue> = {};
    for (const [port, from] of Object.entries(job.inputs)) {
      const value = byId.get(from.nodeId)?.outputs?.[from.port];
      if (!value) {
        throw new Error(`run ${run.id}: node ${job.nodeId} needs ${from.nodeId}.${from.port}, which has no output`);
      }
      inputs[port] = value;
    }
    return inputs;
  }

  /**
   * A running node's progress and log lines, in the order made (one statement with other nodes' made meanwhile); a
   * line that comes after its run was cancelled, or for a node not running, is dropped.
   */
  async report(runId: string, reports: readonly NodeReport[]): Promise<void> {
    await Promise.all(reports.map((body) => this.events.appendNodeReport(runId, body)));
  }

  /**
   * With `unit`, the data nodes this makes ready are held for the unit's job rather than sent (UnitJob), and
   * the first node held for it that is ready is claimed in the same transaction and answered: a node of a
   * unit finishes and the next starts in one round of the database. `reports`: the node's last progress and log
   * lines, not yet written (HeldReports), recorded before its `node-finished`.
   */
  async succeed(
    runId: string,
    nodeId: string,
    result: NodeSuccess,
    unit?: UnitJob,
    reports: readonly NodeReport[] = [],
  ): Promise<ClaimedNode | undefined> {
    return this.db.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run) return undefined;
      const nodes = await this.nodes(tx, runId);
      const node = nodes.find((n) => n.nodeId === nodeId);
      if (!node || node.status !== 'running') return undefined;
      // The node's events and those of the next node a unit claims with it are appended as one statement.
      const events: RunEventBody[] = [...reports];
      await this.recordSuccess(tx, runId, node, result, events);
      await this.dispatchReady(tx, run, nodes, unit);
      const next =
        unit && !isFinal(run.status) && !run.cancelRequestedAt ? this.heldReady(run, nodes, unit.jobId)[0] : undefined;
      const claimed = next ? await this.claimIn(tx, run, nodes, next.nodeId, events) : undefined;
      await this.events.appendAll(runId, events, tx);
      // With a node claimed the run is not done: this only finishes a run whose last node this was.
      await this.finishIfDone(tx, run, nodes);
      return claimed;
    });
  }

  /**
   * Claims the next node held for a unit's job (in plan order; one its worker was running when it stopped
   * first), or undefined when none is left to run.
   */
  async claimHeld(runId: string, jobId: string): Promise<ClaimedNode | undefined> {
    const run = await this.db.getRepository(RunEntity).findOne({ where: { id: runId } });
    if (!run || isFinal(run.status) || run.cancelRequestedAt) return undefined;
    for (const node of this.heldReady(run, await this.nodes(this.db.manager, runId), jobId)) {
      const claimed = await this.claim(runId, node.nodeId);
      if (claimed) return claimed;
    }
    return undefined;
  }

  /** The unfinished nodes held for a unit's job whose inputs are done: one that was running first, then plan order. */
  private heldReady(run: RunEntity, nodes: RunNodeEntity[], jobId: string): RunNodeEntity[] {
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const order = new Map(run.plan.jobs.map((job, index) => [job.nodeId, index]));
    const ready = run.plan.jobs
      .filter((job) => job.dependsOn.every((upstream) => isDone(byId.get(upstream)?.status ?? 'queued')))
      .map((job) => byId.get(job.nodeId))
      .filter(
        (n): n is RunNodeEntity =>
          n !== undefined && n.jobId === jobId && (n.status === 'queued' || n.status === 'running'),
      );
    return ready.sort(
      (a, b) =>
        Number(b.status === 'running') - Number(a.status === 'running') ||
        (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0),
    );
  }

  /** A running node's success (or cache hit): its row and its `node-finished` event. */
  private async recordSuccess(
    tx: EntityManager,
    runId: string,
    node: RunNodeEntity,
    result: NodeSuccess,
    events?: RunEventBody[],
  ): Promise<void> {
    const metrics = metricsOf(result.outputs);
    const finished = {
      status: transition(node.status, result.cached ? 'hit-cache' : 'succeed'),
      cached: result.cached,
      cacheKey: result.key,
      durationMs: Math.round(result.durationMs),
      outputs: result.outputs,
      metrics: metrics ?? null,
      progress: 100,
      finishedAt: new Date(),
    };
    Object.assign(node, finished);
    // One update of the columns that changed: `save` would read the row back first, a round trip more.
    await tx.query(
      `UPDATE run_nodes SET status = $3, cached = $4, cache_key = $5, duration_ms = $6, outputs = $7::jsonb,
              metrics = $8::jsonb, progress = $9, started_at = $10, finished_at = $11
        WHERE run_id = $1 AND node_id = $2`,
      [
        runId,
        node.nodeId,
        finished.status,
        finished.cached,
        finished.cacheKey,
        finished.durationMs,
        JSON.stringify(finished.outputs),
        finished.metrics === null ? null : JSON.stringify(finished.metrics),
        finished.progress,
        node.startedAt ?? finished.finishedAt,
        finished.finishedAt,
      ],
    );
    await this.appendOrAdd(
      runId,
      {
        type: 'node-finished',
        nodeId: node.nodeId,
        cached: result.cached,
        durationMs: finished.durationMs,
        outputs: summariseOutputs(result.outputs),
        ...(metrics ? { metrics } : {}),
      },
      tx,
      events,
    );
  }

  /** Appends an event of the run now, or adds it to `events`, which the caller appends later in one statement. */
  private async appendOrAdd(
    runId: string,
    body: RunEventBody,
    tx: EntityManager,
    events: RunEventBody[] | undefined,
  ): Promise<void> {
    if (events) events.push(body);
    else await this.events.append(runId, body, tx);
  }

  /**
   * A run every node of which is answered from the cache (CachedRunAnswers): each node starts and finishes
   * cached as the run starts, with the events a worker's cache hits would give, and no job is sent.
   */
  private async answerFromCache(
    tx: EntityManager,
    run: RunEntity,
    nodes: RunNodeEntity[],
    answers: ReadonlyMap<string, NodeSuccess>,
  ): Promise<void> {
    if (!nodes.every((node) => answers.has(node.nodeId))) return;
    run.status = runTransition(run.status, 'start');
    run.startedAt = new Date();
    await tx.getRepository(RunEntity).update({ id: run.id }, { status: run.status, startedAt: run.startedAt });
    const events: RunEventBody[] = [];
    for (const job of run.plan.jobs) {
      const node = nodes.find((n) => n.nodeId === job.nodeId);
      const result = answers.get(job.nodeId);
      if (!node || !result) continue;
      node.status = transition(node.status, 'start');
      node.startedAt = new Date();
      events.push({ type: 'node-started', nodeId: node.nodeId });
      await this.recordSuccess(tx, run.id, node, result, events);
    }
    await this.events.appendAll(run.id, events, tx);
  }

  /**
   * Records a node's failure; the nodes downstream of it will not run. `reports`: its last progress and log lines,
   * not yet written, recorded before its `node-failed` when it was running.
   */
  async fail(runId: string, nodeId: string, failure: NodeFailure, reports: readonly NodeReport[] = []): Promise<void> {
    await this.db.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run) return;
      const nodes = await this.nodes(tx, runId);
      const node = nodes.find((n) => n.nodeId === nodeId);
      if (!node || isFinal(node.status)) return;
      const held = node.status === 'running' ? reports : [];
      const progress = held.findLast((report) => report.type === 'node-progress');
      const finishedAt = new Date();
      Object.assign(node, {
        status: transition(node.status, 'fail'),
        error: failure,
        finishedAt,
        durationMs: node.startedAt ? finishedAt.getTime() - node.startedAt.getTime() : null,
        ...(progress ? { progress: Math.max(0, Math.min(100, progress.pct)) } : {}),
      });
      await tx.getRepository(RunNodeEntity).save(node);
      await this.events.appendAll(runId, [...held, { type: 'node-failed', nodeId, error: failure }], tx);
      await this.cancelNodes(tx, run, nodes, downstreamOf(run.plan, nodeId));
      await this.finishIfDone(tx, run, nodes);
    });
  }

  /** Records that a running node stopped because its run was cancelled. */
  async cancelled(runId: string, nodeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run) return;
      const nodes = await this.nodes(tx, runId);
      await this.cancelNodes(tx, run, nodes, new Set([nodeId]));
      await this.finishIfDone(tx, run, nodes);
    });
  }

  /**
   * Cancels a run at once: its unfinished nodes are cancelled, the workers
   * running any are told to stop, and the run ends cancelled. False when the
   * run had already finished. The first request is audited as `by`'s.
   */
  async cancel(runId: string, by?: AuditActor): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run || isFinal(run.status)) return false;
      if (!run.cancelRequestedAt) {
        run.cancelRequestedAt = new Date();
        await tx.getRepository(RunEntity).update({ id: runId }, { cancelRequestedAt: run.cancelRequestedAt });
        if (by) {
          await this.audit.record(
            {
              actor: by,
              action: 'run.cancelled',
              workspaceId: run.workspaceId,
              object: { type: 'run', id: run.id },
              details: { name: run.name, pipelineId: run.pipelineId },
            },
            tx,
          );
        }
      }
      const nodes = await this.nodes(tx, runId);
      // Running nodes are cancelled now too: the run ends here even when the worker running one is gone.
      // A worker still running one is told to stop, and finds the node cancelled when it reports.
      const unfinished = nodes.filter((n) => !isFinal(n.status)).map((n) => n.nodeId);
      await this.cancelNodes(tx, run, nodes, new Set(unfinished));
      await tx.query(`SELECT pg_notify('${RUN_CANCEL_CHANNEL}', $1)`, [runId]);
      await this.finishIfDone(tx, run, nodes);
      return true;
    });
  }

  private async lockRun(tx: EntityManager, runId: string): Promise<RunEntity | null> {
    return tx.getRepository(RunEntity).findOne({ where: { id: runId }, lock: { mode: 'pessimistic_write' } });
  }

  private nodes(tx: EntityManager, runId: string): Promise<RunNodeEntity[]> {
    return tx.getRepository(RunNodeEntity).find({ where: { runId } });
  }

  /** Sends every queued node whose inputs are all done and that has no job yet (or holds it for `unit`). */
  private async dispatchReady(
    tx: EntityManager,
    run: RunEntity,
    nodes: RunNodeEntity[],
    unit?: UnitJob,
  ): Promise<void> {
    if (run.cancelRequestedAt || isFinal(run.status)) return;
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    let gpuWorkers: boolean | undefined;
    for (const job of run.plan.jobs) {
      const node = byId.get(job.nodeId);
      if (!node || node.status !== 'queued' || node.jobId) continue;
      if (!job.dependsOn.every((upstream) => isDone(byId.get(upstream)?.status ?? 'queued'))) continue;
      if (unit?.fuses(job)) {
        node.queue = unit.queue;
        node.jobId = unit.jobId;
        await tx
          .getRepository(RunNodeEntity)
          .update({ runId: run.id, nodeId: job.nodeId }, { queue: node.queue, jobId: node.jobId });
        continue;
      }
      let queue: QueueName = 'cpu';
      if (job.queue === 'gpu') {
        gpuWorkers ??= await this.hasLiveGpuWorker(tx);
        if (gpuWorkers) queue = 'gpu';
      }
      node.queue = queue;
      node.jobId = await this.queue.send(queue, { runId: run.id, nodeId: job.nodeId }, tx);
      await tx
        .getRepository(RunNodeEntity)
        .update({ runId: run.id, nodeId: job.nodeId }, { queue: node.queue, jobId: node.jobId });
    }
  }

  private async cancelNodes(
    tx: EntityManager,
    run: RunEntity,
    nodes: RunNodeEntity[],
    ids: Set<string>,
  ): Promise<void> {
    const jobsByQueue = new Map<QueueName, string[]>();
    const cancelledNow = new Set<string>();
    for (const job of run.plan.jobs) {
      const node = nodes.find((n) => n.nodeId === job.nodeId);
      if (!node || !ids.has(node.nodeId) || isFinal(node.status)) continue;
      node.status = transition(node.status, 'cancel');
      node.finishedAt = new Date();
      cancelledNow.add(node.nodeId);
      await tx
        .getRepository(RunNodeEntity)
        .update({ runId: run.id, nodeId: node.nodeId }, { status: node.status, finishedAt: node.finishedAt });
      await this.events.append(run.id, { type: 'node-cancelled', nodeId: node.nodeId }, tx);
      if (node.jobId && node.queue) {
        const queue = node.queue as QueueName;
        jobsByQueue.set(queue, [...(jobsByQueue.get(queue) ?? []), node.jobId]);
      }
    }
    // Jobs not yet fetched are withdrawn; one a worker already holds finds its node cancelled. The job of a
    // fused unit other nodes of which ran or run in it is the worker's own: it ends as the unit does.
    const others = new Set(nodes.filter((n) => !cancelledNow.has(n.nodeId) && n.jobId).map((n) => n.jobId));
    for (const [queue, jobIds] of jobsByQueue) {
      const withdrawn = [...new Set(jobIds)].filter((id) => !others.has(id));
      if (withdrawn.length > 0) await this.queue.cancel(queue, withdrawn, tx);
    }
  }

  private async finishIfDone(tx: EntityManager, run: RunEntity, nodes: RunNodeEntity[]): Promise<void> {
    if (isFinal(run.status)) return;
    if (nodes.some((n) => n.status === 'queued' || n.status === 'running')) return;
    const outcome: StatusEvent = run.cancelRequestedAt
      ? 'cancel'
      : nodes.some((n) => n.status === 'failed' || n.status === 'cancelled')
        ? 'fail'
        : 'succeed';
    // A run whose nodes all finished without one starting (an empty plan) still passes through running.
    const from = outcome === 'succeed' && run.status === 'queued' ? runTransition(run.status, 'start') : run.status;
    run.status = runTransition(from, outcome);
    run.finishedAt = new Date();
    await tx
      .getRepository(RunEntity)
      .update(
        { id: run.id },
        { status: run.status, finishedAt: run.finishedAt, startedAt: run.startedAt ?? run.finishedAt },
      );
    const deploying = await this.finishJobs.enqueue(run, tx);
    await this.events.append(
      run.id,
      { type: 'run-finished', status: run.status, ...(deploying.length > 0 ? { deploying } : {}) },
      tx,
    );
  }

  private async hasLiveGpuWorker(tx: EntityManager): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT EXISTS (
         SELECT 1 FROM workers
          WHERE gpu IS NOT NULL AND 'gpu' = ANY (queues) AND heartbeat_at > now() - interval '30 seconds'
       ) AS live`,
    )) as { live: boolean }[];
    return rows[0]?.live ?? false;
  }
}

/** Runs go through the node state machine too; they are never "cached". */
function runTransition(status: RunStatus, event: Exclude<StatusEvent, 'hit-cache'>): RunStatus {
  return transition(status, event) as RunStatus;
}
