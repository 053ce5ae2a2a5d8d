import { Injectable, Logger } from '@nestjs/common';
import { deploymentNameSchema, type ModelBundle, type Plan, type PortValue } from '@pipewright/nodes';
import { ApiError, BadRequestError, ConflictError } from '../api/api-errors.js';
import { AuditLog, type AuditActor } from '../audit/audit-log.js';
import type { Caller } from '../auth/roles.js';
import { RunEventStore } from '../events/run-event-store.js';
import { servingBundle, type ServingBundle } from '../predict/serving-bundle.js';
import { RunsService, type RunRecord } from '../runs/runs.service.js';
import { DeploymentKeys } from './deployment-keys.js';
import { DeploymentRepository } from './deployment.repository.js';

export interface DeployResult {
  name: string;
  version: number;
  /** Only when the deployment was created: its first API key, shown this once. */
  apiKey?: string;
}

/**
 * Whom a published version belongs to: the deployment's workspace, the user who published it (none: the CLI),
 * and who the audit log names (that user, or the CLI; an auto-deploy names the run's starter).
 */
interface DeploymentOwner {
  workspaceId: string;
  userId: string | null;
  actor: AuditActor;
  /** How it was published, for the audit log: by hand, or by a deploy.service node when its run succeeded. */
  via: 'request' | 'auto-deploy';
}

/**
 * Publishes a run's trained model as the next version of a deployment: by an admin's request, or (a pg-boss
 * job, enqueued in the transaction that finished the run) for each auto-deploying deploy.service node of a
 * run that succeeded. An auto-deploy reports each node's outcome as a `deployment` event of the run, and
 * leaves a new deployment's first API key for the one who started the run, encrypted to their key.
 */
@Injectable()
export class DeploymentPublisher {
  private readonly logger = new Logger('Deployments');

  constructor(
    private readonly repository: DeploymentRepository,
    private readonly keys: DeploymentKeys,
    private readonly runs: RunsService,
    private readonly events: RunEventStore,
    private readonly audit: AuditLog,
  ) {}

  /** Deploys a run's model (a trainer's `model` output, or what a deploy.service node received) as the next version. */
  async deploy(request: { runId: string; nodeId: string; name?: string }, caller: Caller): Promise<DeployResult> {
    const run = await this.runs.record(request.runId, caller.workspaceId);
    const { model, defaultName } = await this.modelOf(run, request.nodeId);
    const name = request.name ?? defaultName;
    if (!name) throw new BadRequestError('name the deployment: { runId, nodeId, name }', { param: 'name' });
    const checked = deploymentNameSchema.safeParse(name);
    if (!checked.success)
      throw new BadRequestError(`deployment name "${name}": ${checked.error.issues[0].message}`, { param: 'name' });
    const { apiKey, version } = await this.publish(name, run, request.nodeId, model, {
      workspaceId: caller.workspaceId,
      userId: caller.id,
      actor: caller,
      via: 'request',
    });
    return { name, version, ...(apiKey ? { apiKey } : {}) };
  }

  /**
   * The auto-deploy of a succeeded run: publishes each deploy.service node with `autoDeploy` as the next
   * version of its deployment, in the run's workspace, and reports each outcome as a `deployment` event.
   * A node already reported is skipped, so a retried job publishes nothing twice. A failure that another
   * try would repeat (a name taken by another workspace, a node that did not train) is reported at once;
   * any other is thrown for the job to be tried again, unless this is its `lastAttempt`.
   */
  async deployRun(runId: string, lastAttempt: boolean): Promise<void> {
    const run = await this.runs.record(runId);
    if (run.status !== 'succeeded') {
      this.logger.warn(`auto-deploy of run ${runId} skipped: the run is ${run.status}`);
      return;
    }
    const owner: DeploymentOwner = {
      workspaceId: run.workspaceId,
      userId: run.createdBy,
      actor: run.createdBy ? { id: run.createdBy } : { system: 'cli' },
      via: 'auto-deploy',
    };
    for (const { nodeId, name } of autoDeployNodesOf(run.plan)) {
      if (await this.events.has(run.id, 'deployment', nodeId)) continue;
      try {
        const { model } = await this.modelOf(run, nodeId);
        await this.publish(name, run, nodeId, model, owner, { report: true });
      } catch (error) {
        if (!(error instanceof ApiError) && !lastAttempt) throw error;
        const message = (error as Error).message;
        this.logger.warn(`auto-deploy of "${name}" after run ${runId} failed: ${message}`);
        await this.events.append(run.id, { type: 'deployment', nodeId, name, error: message });
      }
    }
  }

  async remove(name: string, caller: Caller): Promise<void> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    await this.repository.change(deployment.name, async (tx) => {
      await this.repository.remove(tx, deployment.id);
      await this.audit.record(
        {
          actor: caller,
          action: 'deployment.deleted',
          workspaceId: deployment.workspaceId,
          object: { type: 'deployment', id: deployment.name },
          details: { activeVersion: deployment.activeVersion },
        },
        tx,
      );
    });
  }

  /** The serving bundle of a version (default: the active one), as `pipewright serve --bundle` loads it. */
  async bundle(name: string, version: number | undefined, caller: Caller): Promise<ServingBundle> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    return (await this.repository.version(deployment, version ?? deployment.activeVersion)).bundle;
  }

  private async publish(
    name: string,
    run: RunRecord,
    nodeId: string,
    model: ModelBundle,
    owner: DeploymentOwner,
    options: { report?: boolean } = {},
  ): Promise<{ version: number; apiKey?: string }> {
    const published = await this.repository.change(name, async (tx) => {
      let deployment = await this.repository.lockByName(tx, name);
      if (deployment && deployment.workspaceId !== owner.workspaceId) {
        throw new ConflictError('deployment-exists', `deployment "${name}" belongs to another workspace`);
      }
      if (deployment) {
        const existing = await this.repository.versionFromRun(tx, deployment.id, run.id, nodeId);
        if (existing) return { version: existing.version, existed: true };
      }
      const isNew = !deployment;
      deployment ??= await this.repository.create(tx, {
        name,
        workspaceId: owner.workspaceId,
        activeVersion: 1,
        createdBy: owner.userId,
      });
      const version = await this.repository.nextVersion(tx, deployment.id);
      await this.repository.insertVersion(tx, {
        deploymentId: deployment.id,
        version,
        runId: run.id,
        nodeId,
        bundle: servingBundle(model, name, version, { runId: run.id, nodeId }),
        createdBy: owner.userId,
      });
      await this.repository.update(tx, deployment.id, {
        activeVersion: version,
        ...(deployment.canaryVersion ? { canaryVersion: null, canaryShare: 0 } : {}),
      });
      const apiKey = isNew ? (await this.keys.issue(tx, deployment.id, 'default')).apiKey : undefined;
      await this.audit.record(
        {
          actor: owner.actor,
          action: 'deployment.published',
          workspaceId: owner.workspaceId,
          object: { type: 'deployment', id: name },
          details: { version, runId: run.id, nodeId, created: isNew, via: owner.via },
        },
        tx,
      );
      let keyReveal = false;
      if (options.report && apiKey && run.keyRecipient) {
        await this.keys.leaveForRunStarter(tx, { runId: run.id, nodeId, name, apiKey, recipient: run.keyRecipient });
        keyReveal = true;
      }
      if (options.report) {
        await this.events.append(
          run.id,
          { type: 'deployment', nodeId, name, version, serving: true, ...(keyReveal ? { keyReveal } : {}) },
          tx,
        );
      }
      return { version, apiKey, existed: false };
    });
    if (!published.existed)
      this.logger.log(`deployed ${name} version ${published.version} from run ${run.id} node ${nodeId}`);
    return { version: published.version, ...(published.apiKey ? { apiKey: published.apiKey } : {}) };
  }

  /** The model a run's node trained, or the one a deploy.service node received; refused unless that node succeeded. */
  private async modelOf(run: RunRecord, nodeId: string): Promise<{ model: ModelBundle; defaultName?: string }> {
    const job = run.plan.jobs.find((j) => j.nodeId === nodeId);
    if (!job) throw new BadRequestError(`run ${run.id} has no node "${nodeId}"`, { nodeId });
    const node = await this.runs.nodeResult(run.id, nodeId);
    const done = (status: string | undefined) => status === 'succeeded' || status === 'cached';
    if (!done(node?.status)) {
      throw new ApiError(
        409,
        'not-trained',
        `node "${nodeId}" of run ${run.id} has not succeeded (it is ${node?.status ?? 'unknown'})`,
        { nodeId },
      );
    }
    let source: PortValue | undefined = node?.outputs?.model;
    let defaultName: string | undefined;
    if (job.type === 'deploy.service') {
      defaultName = typeof job.params.name === 'string' ? job.params.name : undefined;
      const input = job.inputs.model;
      const upstream = input ? await this.runs.nodeResult(run.id, input.nodeId) : undefined;
      source = input ? upstream?.outputs?.[input.port] : undefined;
    }
    if (!source || source.kind !== 'model') {
      throw new BadRequestError(`node "${nodeId}" gives no model: name a trainer or a deploy.service node`, { nodeId });
    }
    return { model: source, defaultName };
  }
}

/** A plan's deploy.service nodes that publish when their run succeeds (`autoDeploy` true or absent). */
export function autoDeployNodesOf(plan: Plan): { nodeId: string; name: string }[] {
  return plan.jobs
    .filter(
      (job) => job.type === 'deploy.service' && job.params.autoDeploy !== false && typeof job.params.name === 'string',
    )
    .map((job) => ({ nodeId: job.nodeId, name: job.params.name as string }));
}
