import { availableParallelism, hostname, totalmem } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TensorFlowApi } from '@pipewright/nodes';
import { DataSource } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { PgNotificationListener } from '../events/pg-notification-listener.js';
import { JobQueue, type QueueName } from '../queue/job-queue.js';
import { RUN_CANCEL_CHANNEL } from '../runs/run-scheduler.js';
import { GPU_BACKENDS, loadTensorFlow, type TfBackendName } from '../runtime/tensorflow-backend.js';
import { makeInstanceAhead } from '../runtime/duckdb-sandbox.js';
import { JobDirectories } from './job-directories.js';
import { NodeJobRunner, RunCancelled, WorkerStopping } from './node-job-runner.js';
import { HEARTBEAT_MS, WorkerRegistry } from './worker-registry.js';

interface ActiveJob {
  runId: string;
  controller: AbortController;
}

const CANCEL_POLL_MS = 3_000;

/**
 * A worker in this process: loads TensorFlow.js, registers and heartbeats,
 * and takes node jobs from the `cpu` queue (and `gpu` when it has a GPU
 * backend), `PIPEWRIGHT_WORKER_CONCURRENCY` at a time per queue.
 */
@Injectable()
export class NodeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  /** How the Workers page and a tuning node's trials name this worker. */
  readonly name = `${hostname()}-${process.pid}`;
  private readonly active = new Set<ActiveJob>();
  private queues: QueueName[] = [];
  private tf?: TensorFlowApi;
  private backendName?: TfBackendName;
  private heartbeatTimer?: NodeJS.Timeout;
  private cancelTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private stopListening?: () => void;
  private stopping = false;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly registry: WorkerRegistry,
    private readonly runner: NodeJobRunner,
    private readonly listener: PgNotificationListener,
    private readonly directories: JobDirectories,
  ) {}

  get id(): string {
    return this.directories.workerId;
  }

  /** The TensorFlow.js backend this worker runs on (once started). */
  get backend(): TfBackendName | undefined {
    return this.backendName;
  }

  async onApplicationBootstrap(): Promise<void> {
    makeInstanceAhead();
    const loaded = await loadTensorFlow({
      backend: this.settings.tfBackend,
      log: (message) => this.logger.log(message),
    });
    this.tf = loaded.tf;
    this.backendName = loaded.backend;
    const gpu = GPU_BACKENDS.includes(loaded.backend) ? (loaded.gpu ?? { name: `${loaded.backend} GPU` }) : null;
    this.queues = gpu ? ['cpu', 'gpu'] : ['cpu'];

    await this.registry.register({
      id: this.id,
      name: this.name,
      queues: this.queues,
      backend: loaded.backend,
      gpu: gpu?.name ?? null,
      gpuInfo: gpu,
      cores: availableParallelism(),
      memoryBytes: totalmem(),
      concurrency: this.settings.workerConcurrency,
    });
    this.heartbeatTimer = setInterval(() => {
      this.registry
        .heartbeat(this.id, this.active.size)
        .catch((error: unknown) => this.logger.warn(`heartbeat failed: ${String(error)}`));
    }, HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    await this.directories.claim();
    await this.sweepJobDirectories();
    this.sweepTimer = setInterval(() => void this.sweepJobDirectories(), JobDirectories.SWEEP_MS);
    this.sweepTimer.unref();

    this.stopListening = await this.listener.listen(RUN_CANCEL_CHANNEL, (runId) => this.cancelRun(runId));
    // Cancellations announced while the notification connection was down are found by asking.
    this.cancelTimer = setInterval(() => void this.pollCancellations(), CANCEL_POLL_MS);
    this.cancelTimer.unref();

    for (const queue of this.queues) {
      await this.queue.work(queue, this.settings.workerConcurrency, (job) =>
        this.take(job.data, job.signal, (tf, signal) =>
          this.runner.run({ ...job.data, jobId: job.id, queue }, tf, signal),
        ),
      );
    }
    // Parts of nodes fanned out (a forest's trees, tuning trials) have slots of their own: a node waiting for its
    // parts holds a node slot, never the slots its parts need.
    await this.queue.workOn('part', this.settings.workerConcurrency, (job) =>
      this.take(job.data, job.signal, (tf, signal) => this.runner.runPart(job.data, tf, signal, this.name)),
    );
    this.logger.log(`worker ${this.id} takes jobs from ${this.queues.join(' and ')} (${loaded.backend})`);
  }

  /**
   * Stops taking jobs; nodes still running are stopped and their jobs go back
   * to the queue for the next worker (or this one's next start).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.cancelTimer);
    clearInterval(this.sweepTimer);
    this.stopListening?.();
    const waits = [...this.queues, 'part' as const].map((queue) => this.queue.offWork(queue, true));
    for (const job of this.active) job.controller.abort(new WorkerStopping());
    await Promise.all(waits);
    await this.registry.unregister(this.id).catch(() => undefined);
  }

  /** Stops the nodes of a run this worker is running. */
  cancelRun(runId: string): void {
    for (const job of this.active) if (job.runId === runId) job.controller.abort(new RunCancelled());
  }

  private async take(
    job: { runId: string; nodeId: string },
    jobSignal: AbortSignal,
    run: (tf: TensorFlowApi, signal: AbortSignal) => Promise<void> = (tf, signal) => this.runner.run(job, tf, signal),
  ): Promise<void> {
    if (this.stopping || !this.tf) throw new WorkerStopping();
    const active: ActiveJob = { runId: job.runId, controller: new AbortController() };
    this.active.add(active);
    this.reportRunning();
    try {
      await run(this.tf, AbortSignal.any([active.controller.signal, jobSignal]));
    } finally {
      this.active.delete(active);
      this.reportRunning();
    }
  }

  /** The Workers page shows running jobs as they start and end, not only at the next heartbeat. */
  private reportRunning(): void {
    this.registry
      .heartbeat(this.id, this.active.size)
      .catch((error: unknown) => this.logger.warn(`heartbeat failed: ${String(error)}`));
  }

  /** The directories that jobs of killed workers left. */
  private async sweepJobDirectories(): Promise<void> {
    await this.directories
      .removeStale()
      .catch((error: unknown) =>
        this.logger.warn(`could not remove stopped workers' job directories: ${String(error)}`),
      );
  }

  private async pollCancellations(): Promise<void> {
    if (this.active.size === 0) return;
    const runIds = [...new Set([...this.active].map((job) => job.runId))];
    try {
      const rows = (await this.db.query(
        `SELECT id FROM runs WHERE id = ANY($1::uuid[]) AND cancel_requested_at IS NOT NULL`,
        [runIds],
      )) as { id: string }[];
      for (const row of rows) this.cancelRun(row.id);
    } catch (error) {
      this.logger.warn(`could not check for cancelled runs: ${String(error)}`);
    }
  }
}
