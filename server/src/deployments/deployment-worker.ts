import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { isLastAttempt, JobQueue } from '../queue/job-queue.js';
import { BatchScoring } from './batch-scoring.js';
import { DeploymentPublisher } from './deployment-publisher.js';

/**
 * A worker's share of deployment work, beside its node jobs: the `deploy` jobs of runs that succeeded and the
 * `batch` scorings. Stopping gives their running jobs back to the queue for the next worker.
 */
@Injectable()
export class DeploymentWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly queue: JobQueue,
    private readonly publisher: DeploymentPublisher,
    private readonly batches: BatchScoring,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.workOn('deploy', 1, (job) =>
      this.publisher.deployRun(job.data.runId, isLastAttempt(job, 'deploy')),
    );
    await this.queue.workOn('batch', this.settings.workerConcurrency, (job) =>
      this.batches.score(
        job.data.batchId,
        isLastAttempt(job, 'batch'),
        AbortSignal.any([job.signal, this.stopping.signal]),
      ),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    const waits = [this.queue.offWork('deploy', true), this.queue.offWork('batch', true)];
    this.stopping.abort(new Error('the worker is stopping; the batch goes back to the queue'));
    await Promise.all(waits);
  }
}
