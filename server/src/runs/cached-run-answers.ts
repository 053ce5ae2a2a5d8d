import { Inject, Injectable } from '@nestjs/common';
import type { Plan, PortValue } from '@pipewright/nodes';
import { ARTIFACT_STORE } from '../artifacts/artifact-store.token.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import type { ArtifactStore } from '../runtime/artifact-store.js';
import { storedResult } from '../runtime/execute-node.js';
import type { NodeSuccess } from './run-scheduler.js';

/**
 * A run whose every node ran before on the same inputs needs no worker: each
 * node's cache key is computed from the plan in order (a node's inputs are
 * the stored outputs of the nodes before it), as a worker would compute it,
 * and when the store holds all of them the run is answered as it starts,
 * without a job. One node that would run, and the run goes to the workers as
 * usual.
 */
@Injectable()
export class CachedRunAnswers {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly datasets: DatasetsService,
  ) {}

  /** Every node's stored result by node id, or undefined when any node would run. */
  async answer(plan: Plan, workspaceId: string, runDataDirs: string[]): Promise<Map<string, NodeSuccess> | undefined> {
    if (plan.jobs.length === 0) return undefined;
    // What a worker would read with (NodeJobRunner): the run's directories, then the worker's.
    const deps = {
      store: this.store,
      dataDirs: [...new Set([...runDataDirs, ...this.settings.dataDirs])],
      mayRead: (realPath: string) => this.datasets.readableBy(workspaceId, realPath),
      datasets: this.datasets.resolverFor(workspaceId),
    };
    const answers = new Map<string, NodeSuccess>();
    for (const job of plan.jobs) {
      const inputs: Record<string, PortValue> = {};
      for (const [port, from] of Object.entries(job.inputs)) {
        const value = answers.get(from.nodeId)?.outputs[from.port];
        if (!value) return undefined;
        inputs[port] = value;
      }
      const result = await storedResult(
        {
          type: job.type,
          version: job.version,
          params: job.params,
          inputs,
          ...(job.sample ? { sample: job.sample } : {}),
        },
        deps,
      );
      if (!result) return undefined;
      answers.set(job.nodeId, result);
    }
    return answers;
  }
}
