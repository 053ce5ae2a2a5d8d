import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RunEntity } from './run.entity.js';

/**
 * Work a run's end makes necessary, enqueued by another module (deployments: auto-deploy) in the transaction
 * that finishes the run: it exists if and only if the run's end is recorded. Answers the nodes whose outcome
 * will follow as events of the run (the run-finished event names them, so a client knows to wait).
 */
export type RunFinishJob = (run: RunEntity, tx: EntityManager) => Promise<string[]>;

@Injectable()
export class RunFinishJobs {
  private readonly jobs: RunFinishJob[] = [];

  add(job: RunFinishJob): void {
    this.jobs.push(job);
  }

  async enqueue(run: RunEntity, tx: EntityManager): Promise<string[]> {
    const following: string[] = [];
    for (const job of this.jobs) following.push(...(await job(run, tx)));
    return following;
  }
}
