import { Injectable, Logger } from '@nestjs/common';
import {
  describeComparison,
  deploymentNameSchema,
  isDone,
  type ModelBundle,
  type Plan,
  type PortValue,
  type PromotionDecision,
} from '@pipewright/nodes';
import type { DeployResult } from '@pipewright/nodes/contracts';
import type { EntityManager } from 'typeorm';
import { ApiError, BadRequestError, ConflictError } from '../api/api-errors.js';
import { AuditLog, type AuditActor } from '../audit/audit-log.js';
import { AccountsService } from '../auth/accounts.service.js';
import type { Caller } from '../auth/roles.js';
import { RunEventStore } from '../events/run-event-store.js';
import { servingBundle, type ServingBundle } from '../predict/serving-bundle.js';
import { RunsService, type RunRecord } from '../runs/runs.service.js';
import { ChampionChallenger, NotComparable, type DeployPolicy, type Figures } from './champion-challenger.js';
import { DeploymentKeys } from './deployment-keys.js';
import type { DeploymentEntity, VersionTrigger } from './deployment.entity.js';
import { DeploymentRepository } from './deployment.repository.js';

/** What a deploy by hand answers: the contract's. */
export type { DeployResult };

/**
 * Whom a published version belongs to: the deployment's workspace, the user who published it (none: the CLI),
 * what triggered it, whether that may replace a serving version (an admin, the CLI), and who the audit log names
 * (that user, or the CLI; an auto-deploy names the run's starter).
 */
interface DeploymentOwner {
  workspaceId: string;
  userId: string | null;
  trigger: VersionTrigger;
  mayServe: boolean;
  actor: AuditActor;
  /** How it was published, for the audit log: by hand, or by a deploy.service node when its run succeeded. */
  via: 'request' | 'auto-deploy';
}

/** How a version came to be published: an admin by hand, or a run's deploy.service node under its policy. */
type PublishHow = { manual: true } | { manual: false; policy: DeployPolicy };

/** Why a later version from a run someone without the deploy right started does not serve. */
export const NEEDS_AN_ADMIN = 'needs an admin to promote';

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
    private readonly accounts: AccountsService,
    private readonly challenger: ChampionChallenger,
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
    const owner: DeploymentOwner = {
      workspaceId: caller.workspaceId,
      userId: caller.id,
      trigger: { kind: 'user', userId: caller.id, email: caller.email, manual: true },
      mayServe: true,
      actor: caller,
      via: 'request',
    };
    const { apiKey, version } = await this.publish(name, run, request.nodeId, model, owner, { manual: true });
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
    const owner = await this.ownerOf(run);
    for (const { nodeId, name, policy } of autoDeployNodesOf(run.plan)) {
      if (await this.events.has(run.id, 'deployment', nodeId)) continue;
      try {
        const { model } = await this.modelOf(run, nodeId);
        await this.publish(name, run, nodeId, model, owner, { manual: false, policy });
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

  /**
   * Publishes `model` as the next version of `name` and decides, under the deployment's lock, whether it
   * serves: the first version always does; an admin's deploy by hand does; a run's version does when its
   * policy says so (`ifBetter`: it beat the serving version on the same rows) and whoever started the run
   * may replace a serving model. Otherwise it is kept as a candidate that does not serve, and the serving
   * version and its canary stay as they are. A run's version is reported as its `deployment` event.
   */
  private async publish(
    name: string,
    run: RunRecord,
    nodeId: string,
    model: ModelBundle,
    owner: DeploymentOwner,
    how: PublishHow,
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
      const { decision, figures } = await this.decide(tx, deployment, run, nodeId, model, owner, how);
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
        trigger: owner.trigger,
        metrics: figures ?? null,
        decision,
      });
      if (decision.promoted) {
        await this.repository.update(tx, deployment.id, {
          activeVersion: version,
          ...(deployment.canaryVersion ? { canaryVersion: null, canaryShare: 0 } : {}),
        });
      }
      const apiKey = isNew ? (await this.keys.issue(tx, deployment.id, 'default')).apiKey : undefined;
      await this.audit.record(
        {
          actor: owner.actor,
          action: decision.promoted ? 'deployment.published' : 'deployment.refused',
          workspaceId: owner.workspaceId,
          object: { type: 'deployment', id: name },
          details: {
            version,
            runId: run.id,
            nodeId,
            created: isNew,
            via: owner.via,
            serving: decision.promoted,
            reason: decision.reason,
            ...(decision.champion
              ? {
                  metric: decision.metric,
                  challenger: decision.challenger,
                  champion: decision.champion,
                  rows: decision.rows,
                }
              : {}),
          },
        },
        tx,
      );
      if (!how.manual) {
        const keyReveal = !!apiKey && !!run.keyRecipient;
        if (keyReveal) {
          await this.keys.leaveForRunStarter(tx, { runId: run.id, nodeId, name, apiKey, recipient: run.keyRecipient! });
        }
        await this.events.append(
          run.id,
          {
            type: 'deployment',
            nodeId,
            name,
            version,
            serving: decision.promoted,
            decision,
            ...(keyReveal ? { keyReveal } : {}),
          },
          tx,
        );
      }
      return { version, apiKey, existed: false, decision };
    });
    if (!published.existed) {
      const serves = published.decision?.promoted ? 'serving' : 'kept as a candidate';
      this.logger.log(
        `deployed ${name} version ${published.version} (${serves}: ${published.decision?.reason}) from run ${run.id} node ${nodeId}`,
      );
    }
    return { version: published.version, ...(published.apiKey ? { apiKey: published.apiKey } : {}) };
  }

  /** Whether a new version serves, and the figures of its evaluation (compared, or as the run recorded them). */
  private async decide(
    tx: EntityManager,
    deployment: DeploymentEntity | null,
    run: RunRecord,
    nodeId: string,
    model: ModelBundle,
    owner: DeploymentOwner,
    how: PublishHow,
  ): Promise<{ decision: PromotionDecision; figures?: Figures }> {
    const policy: DeployPolicy = how.manual ? { policy: 'always', minGain: 0 } : how.policy;
    const evaluation = this.challenger.evaluation(run, nodeId, policy.metric);
    const recorded = evaluation ? await this.challenger.recordedFigures(run, evaluation) : undefined;
    const base = { policy: policy.policy };
    if (!deployment) {
      return {
        decision: { ...base, promoted: true, reason: 'the first version of a deployment serves' },
        figures: recorded,
      };
    }
    if (how.manual) {
      return {
        decision: { ...base, promoted: true, reason: `deployed by hand by ${owner.trigger.email ?? 'an admin'}` },
        figures: recorded,
      };
    }
    const rights = owner.mayServe
      ? ''
      : `; ${NEEDS_AN_ADMIN} (the run was started by someone who may not replace a serving model)`;
    if (policy.policy === 'always') {
      return {
        decision: {
          ...base,
          promoted: owner.mayServe,
          reason: owner.mayServe ? 'policy always: a new version serves' : `policy always${rights}`,
        },
        figures: recorded,
      };
    }
    const champion = await this.repository.versionIn(tx, deployment.id, deployment.activeVersion);
    try {
      const { comparison, figures } = await this.challenger.compare(run, nodeId, policy, model, {
        version: champion.version,
        model: champion.bundle.model,
      });
      const promoted = comparison.wins && owner.mayServe;
      return {
        decision: {
          ...base,
          promoted,
          reason: `${describeComparison(comparison)}${comparison.wins ? rights : ''}`,
          metric: comparison.metric,
          minGain: comparison.minGain,
          challenger: comparison.challenger,
          champion: comparison.champion,
          rows: comparison.rows,
          evaluatedBy: comparison.evaluatedBy,
        },
        figures,
      };
    } catch (error) {
      if (!(error instanceof NotComparable)) throw error;
      return {
        decision: { ...base, promoted: false, reason: `not compared with v${champion.version}: ${error.message}` },
        figures: recorded,
      };
    }
  }

  /** Who a run's versions belong to, what triggered it, and whether its starter may replace a serving model. */
  private async ownerOf(run: RunRecord): Promise<DeploymentOwner> {
    const via = 'auto-deploy' as const;
    if (!run.createdBy) {
      const trigger = { kind: triggerKind(run) };
      return {
        workspaceId: run.workspaceId,
        userId: null,
        trigger,
        mayServe: true,
        actor: { system: trigger.kind },
        via,
      };
    }
    const member = await this.accounts.member(run.createdBy, run.workspaceId);
    return {
      workspaceId: run.workspaceId,
      userId: run.createdBy,
      trigger: { kind: triggerKind(run), userId: run.createdBy, ...(member ? { email: member.email } : {}) },
      mayServe: member?.role === 'admin',
      actor: { id: run.createdBy, ...(member ? { email: member.email } : {}) },
      via,
    };
  }

  /** The model a run's node trained, or the one a deploy.service node received; refused unless that node succeeded. */
  private async modelOf(run: RunRecord, nodeId: string): Promise<{ model: ModelBundle; defaultName?: string }> {
    const job = run.plan.jobs.find((j) => j.nodeId === nodeId);
    if (!job) throw new BadRequestError(`run ${run.id} has no node "${nodeId}"`, { nodeId });
    const node = await this.runs.nodeResult(run.id, nodeId);
    if (!node || !isDone(node.status)) {
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

/** A plan's deploy.service nodes that publish when their run succeeds (`autoDeploy` true or absent), with their policy. */
export function autoDeployNodesOf(plan: Plan): { nodeId: string; name: string; policy: DeployPolicy }[] {
  return plan.jobs
    .filter(
      (job) => job.type === 'deploy.service' && job.params.autoDeploy !== false && typeof job.params.name === 'string',
    )
    .map((job) => ({
      nodeId: job.nodeId,
      name: job.params.name as string,
      policy: {
        policy: job.params.policy === 'ifBetter' ? 'ifBetter' : 'always',
        ...(typeof job.params.metric === 'string' ? { metric: job.params.metric as DeployPolicy['metric'] } : {}),
        minGain: typeof job.params.minGain === 'number' ? job.params.minGain : 0,
      },
    }));
}

/**
 * What started a run, as a version's trigger: a schedule (its cron or a dataset's new version), the CLI, or a
 * user. A schedule's runs come through the API as its creator's, so the run's trigger decides, not its origin.
 */
function triggerKind(run: Pick<RunRecord, 'origin' | 'trigger'>): VersionTrigger['kind'] {
  if (run.trigger?.kind === 'schedule' || run.trigger?.kind === 'dataset') return 'schedule';
  return run.origin === 'cli' ? 'cli' : 'user';
}
