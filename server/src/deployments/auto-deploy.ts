import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue.js';
import { RunFinishJobs } from '../runs/run-finish-jobs.js';
import { autoDeployNodesOf } from './deployment-publisher.js';

/**
 * deploy.service with `autoDeploy`: a run that succeeds gets a `deploy` job in the same transaction that
 * records its end, whoever started it (the studio, the API, the CLI); any worker takes it
 * (DeploymentPublisher.deployRun), and the run's `run-finished` event names the nodes whose outcome follows.
 */
@Injectable()
export class AutoDeploy implements OnModuleInit {
  constructor(
    private readonly finishJobs: RunFinishJobs,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.finishJobs.add(async (run, tx) => {
      if (run.status !== 'succeeded') return [];
      const nodes = autoDeployNodesOf(run.plan);
      if (nodes.length === 0) return [];
      await this.queue.sendWork('deploy', { runId: run.id }, tx);
      return nodes.map((node) => node.nodeId);
    });
  }
}
