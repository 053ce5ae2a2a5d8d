import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { deploymentNameSchema, type ModelBundle, type Plan, type PortValue } from '@pipewright/nodes';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from '../../../migrations/dist/1764200000000-create-accounts.js';
import { ApiError, BadRequestError, ConflictError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { AuditLog, type AuditActor } from '../audit/audit-log.js';
import type { Caller } from '../auth/roles.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { PgNotificationListener } from '../events/pg-notification-listener.js';
import { RUN_EVENTS_CHANNEL } from '../events/run-event-store.js';
import { DEPLOYMENTS_CHANNEL, DeploymentRegistry } from '../predict/deployment-registry.js';
import { servingBundle, type ServingBundle } from '../predict/serving-bundle.js';
import { RunEntity, RunNodeEntity } from '../runs/run.entity.js';
import { DeploymentEntity, DeploymentKeyEntity, DeploymentVersionEntity } from './deployment.entity.js';

/** Requests a second an API key may make unless its creator says otherwise. */
export const DEFAULT_KEY_RATE_PER_SECOND = 100_000;

export interface DeploymentSummary {
  name: string;
  activeVersion: number;
  versions: number;
  canary: { version: number; share: number } | null;
  algorithm: string;
  task: string;
  label?: string;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  version: number;
  active: boolean;
  runId: string | null;
  nodeId: string;
  algorithm: string;
  inputs: { name: string; type: string }[];
  classes?: (string | number | boolean)[];
  createdAt: string;
}

export interface KeySummary {
  id: string;
  name: string;
  prefix: string;
  rateLimitPerSecond: number;
  createdAt: string;
  revokedAt: string | null;
}

export interface DeployResult {
  name: string;
  version: number;
  /** Only when the deployment was created: its first API key, shown this once. */
  apiKey?: string;
}

/** What became of one auto-deploying deploy.service node of a run: the version it published, or why it could not. */
export type AutoDeployment = { nodeId: string } & (DeployResult | { name: string; error: string });

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

@Injectable()
export class DeploymentsService implements OnModuleInit {
  private readonly logger = new Logger('Deployments');
  /** Runs seen on the event channel → whether this listener deploys them, so each run's plan is read once. */
  private readonly deploysOnFinish = new Map<string, Promise<boolean>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: DeploymentRegistry,
    private readonly notifications: PgNotificationListener,
    private readonly audit: AuditLog,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.notifications.listen(RUN_EVENTS_CHANNEL, (payload) => void this.noticeRunEvent(payload));
  }

  /** Deploys a run's model (a trainer's `model` output, or what a deploy.service node received) as the next version. */
  async deploy(request: { runId: string; nodeId: string; name?: string }, caller?: Caller): Promise<DeployResult> {
    const { model, defaultName } = await this.modelOf(request.runId, request.nodeId, caller?.workspaceId);
    const name = request.name ?? defaultName;
    if (!name) throw new BadRequestError('name the deployment: { runId, nodeId, name }', { param: 'name' });
    const checked = deploymentNameSchema.safeParse(name);
    if (!checked.success)
      throw new BadRequestError(`deployment name "${name}": ${checked.error.issues[0].message}`, { param: 'name' });
    const owner: DeploymentOwner = {
      workspaceId: caller?.workspaceId ?? DEFAULT_WORKSPACE_ID,
      userId: caller?.id ?? null,
      actor: caller ?? { system: 'cli' },
      via: 'request',
    };
    return this.publish(name, request.runId, request.nodeId, model, owner);
  }

  /**
   * Publishes each deploy.service node of a succeeded run that has `autoDeploy` as the next version of its
   * deployment, in the run's workspace, and answers what each came to (a new deployment's API key included:
   * it is never shown again). Asking again for the same run publishes nothing new.
   */
  async deployRun(runId: string): Promise<AutoDeployment[]> {
    if (!isUuid(runId)) throw new NotFoundError('run', runId);
    const [run] = (await this.db.query(
      `SELECT status, plan, workspace_id AS "workspaceId", created_by AS "createdBy" FROM runs WHERE id = $1`,
      [runId],
    )) as { status: string; plan: Plan; workspaceId: string; createdBy: string | null }[];
    if (!run) throw new NotFoundError('run', runId);
    if (run.status !== 'succeeded') {
      throw new ApiError(409, 'run-not-succeeded', `run ${runId} has not succeeded (it is ${run.status})`);
    }
    const owner: DeploymentOwner = {
      workspaceId: run.workspaceId,
      userId: run.createdBy,
      actor: run.createdBy ? { id: run.createdBy } : { system: 'cli' },
      via: 'auto-deploy',
    };
    const outcomes: AutoDeployment[] = [];
    for (const { nodeId, name } of autoDeployNodesOf(run.plan)) {
      try {
        const { model } = await this.modelOf(runId, nodeId);
        outcomes.push({ nodeId, ...(await this.publish(name, runId, nodeId, model, owner)) });
      } catch (error) {
        outcomes.push({ nodeId, name, error: (error as Error).message });
      }
    }
    return outcomes;
  }

  async list(caller: Caller): Promise<{ items: DeploymentSummary[]; total: number }> {
    const deployments = await this.db.getRepository(DeploymentEntity).find({
      where: { workspaceId: caller.workspaceId },
      order: { name: 'ASC' },
    });
    const items: DeploymentSummary[] = [];
    for (const deployment of deployments) items.push(await this.summary(deployment));
    return { items, total: items.length };
  }

  async get(
    name: string,
    caller: Caller,
  ): Promise<DeploymentSummary & { versionList: VersionSummary[]; keys: KeySummary[] }> {
    const deployment = await this.find(name, caller);
    return {
      ...(await this.summary(deployment)),
      versionList: await this.versionsOf(deployment),
      keys: await this.keysOf(deployment),
    };
  }

  async versions(name: string, caller: Caller): Promise<VersionSummary[]> {
    return this.versionsOf(await this.find(name, caller));
  }

  private async versionsOf(deployment: DeploymentEntity): Promise<VersionSummary[]> {
    const rows = (await this.db.query(
      `SELECT version, run_id, node_id, created_at, bundle->'model'->>'algorithm' AS algorithm,
              bundle->'model'->'inputs' AS inputs, bundle->'model'->'classes' AS classes
         FROM deployment_versions WHERE deployment_id = $1 ORDER BY version DESC`,
      [deployment.id],
    )) as {
      version: number;
      run_id: string | null;
      node_id: string;
      created_at: Date;
      algorithm: string;
      inputs: { name: string; type: string }[];
      classes: VersionSummary['classes'] | null;
    }[];
    return rows.map((row) => ({
      version: row.version,
      active: row.version === deployment.activeVersion,
      runId: row.run_id,
      nodeId: row.node_id,
      algorithm: row.algorithm,
      inputs: row.inputs.map((c) => ({ name: c.name, type: c.type })),
      ...(row.classes ? { classes: row.classes } : {}),
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** Serves `version` from now on (a rollback or a roll-forward); the switch is atomic, in-flight requests finish on the old one. */
  async promote(name: string, version: number, caller: Caller): Promise<DeploymentSummary> {
    const deployment = await this.find(name, caller);
    await this.requireVersion(deployment, version);
    await this.change(deployment.name, async (tx) => {
      await tx.getRepository(DeploymentEntity).update(deployment.id, {
        activeVersion: version,
        ...(deployment.canaryVersion === version ? { canaryVersion: null, canaryShare: 0 } : {}),
        updatedAt: new Date(),
      });
      await this.audit.record(
        {
          actor: caller,
          action: version < deployment.activeVersion ? 'deployment.rolled-back' : 'deployment.promoted',
          workspaceId: deployment.workspaceId,
          object: { type: 'deployment', id: deployment.name },
          details: { from: deployment.activeVersion, to: version },
        },
        tx,
      );
    });
    return this.summary(await this.find(name, caller));
  }

  /** Sends `share` of requests to `version` (the rest to the active one), logging both versions' predictions for those. */
  async setCanary(name: string, version: number | null, share: number, caller: Caller): Promise<DeploymentSummary> {
    const deployment = await this.find(name, caller);
    if (version !== null) {
      await this.requireVersion(deployment, version);
      if (version === deployment.activeVersion)
        throw new BadRequestError(`version ${version} is already the active one`, { param: 'version' });
    }
    await this.change(deployment.name, async (tx) => {
      await tx.getRepository(DeploymentEntity).update(deployment.id, {
        canaryVersion: version,
        canaryShare: version === null ? 0 : share,
        updatedAt: new Date(),
      });
      await this.audit.record(
        {
          actor: caller,
          action: version === null ? 'deployment.canary-ended' : 'deployment.canary-set',
          workspaceId: deployment.workspaceId,
          object: { type: 'deployment', id: deployment.name },
          details:
            version === null
              ? { version: deployment.canaryVersion, active: deployment.activeVersion }
              : { version, share, active: deployment.activeVersion },
        },
        tx,
      );
    });
    return this.summary(await this.find(name, caller));
  }

  async comparisons(name: string, caller: Caller): Promise<{ items: unknown[] }> {
    const deployment = await this.find(name, caller);
    const rows = (await this.db.query(
      `SELECT served_version AS "servedVersion", other_version AS "otherVersion", rows, agreeing_rows AS "agreeingRows",
              served, other, created_at AS "createdAt"
         FROM deployment_comparisons WHERE deployment_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [deployment.id],
    )) as unknown[];
    return { items: rows };
  }

  async keys(name: string, caller: Caller): Promise<KeySummary[]> {
    return this.keysOf(await this.find(name, caller));
  }

  private async keysOf(deployment: DeploymentEntity): Promise<KeySummary[]> {
    const keys = await this.db
      .getRepository(DeploymentKeyEntity)
      .find({ where: { deploymentId: deployment.id }, order: { createdAt: 'ASC' } });
    return keys.map(keySummary);
  }

  /** A new key: the secret is in this answer only; the database keeps its hash. */
  async createKey(
    name: string,
    options: { name?: string; rateLimitPerSecond?: number },
    caller: Caller,
  ): Promise<KeySummary & { apiKey: string }> {
    const deployment = await this.find(name, caller);
    const { key, apiKey } = await this.db.transaction(async (tx) => {
      const created = await this.insertKey(tx, deployment.id, options.name ?? 'key', options.rateLimitPerSecond);
      await this.audit.record(
        {
          actor: caller,
          action: 'key.created',
          workspaceId: deployment.workspaceId,
          object: { type: 'deployment', id: deployment.name },
          details: { keyId: created.key.id, name: created.key.name, prefix: created.key.prefix },
        },
        tx,
      );
      return created;
    });
    return { ...keySummary(key), apiKey };
  }

  /** Revokes a key: every server instance refuses it from the next request on. */
  async revokeKey(name: string, keyId: string, caller: Caller): Promise<KeySummary> {
    const deployment = await this.find(name, caller);
    const repository = this.db.getRepository(DeploymentKeyEntity);
    const key = isUuid(keyId) ? await repository.findOne({ where: { id: keyId, deploymentId: deployment.id } }) : null;
    if (!key) throw new NotFoundError('API key', keyId);
    if (!key.revokedAt) {
      await this.change(deployment.name, async (tx) => {
        await tx.getRepository(DeploymentKeyEntity).update(key.id, { revokedAt: new Date() });
        await this.audit.record(
          {
            actor: caller,
            action: 'key.revoked',
            workspaceId: deployment.workspaceId,
            object: { type: 'deployment', id: deployment.name },
            details: { keyId: key.id, name: key.name, prefix: key.prefix },
          },
          tx,
        );
      });
    }
    return keySummary(await repository.findOneByOrFail({ id: key.id }));
  }

  async remove(name: string, caller: Caller): Promise<void> {
    const deployment = await this.find(name, caller);
    await this.change(deployment.name, async (tx) => {
      await tx.getRepository(DeploymentEntity).delete(deployment.id);
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
    const deployment = await this.find(name, caller);
    const row = await this.requireVersion(deployment, version ?? deployment.activeVersion);
    return row.bundle;
  }

  async find(name: string, caller: Caller): Promise<DeploymentEntity> {
    const deployment = await this.db
      .getRepository(DeploymentEntity)
      .findOne({ where: { name, workspaceId: caller.workspaceId } });
    if (!deployment) throw new NotFoundError('deployment', name);
    return deployment;
  }

  private async requireVersion(deployment: DeploymentEntity, version: number): Promise<DeploymentVersionEntity> {
    const row = await this.db
      .getRepository(DeploymentVersionEntity)
      .findOne({ where: { deploymentId: deployment.id, version } });
    if (!row) throw new NotFoundError(`version of deployment "${deployment.name}"`, String(version));
    return row;
  }

  /** Changes a deployment in a transaction that also tells every server instance; this one reloads before answering. */
  private async change(name: string, work: (tx: EntityManager) => Promise<unknown>): Promise<void> {
    await this.db.transaction(async (tx) => {
      await work(tx);
      await tx.query(`SELECT pg_notify($1, $2)`, [DEPLOYMENTS_CHANNEL, name]);
    });
    await this.registry.reload(name);
  }

  private async publish(
    name: string,
    runId: string | null,
    nodeId: string,
    model: ModelBundle,
    owner: DeploymentOwner,
  ): Promise<DeployResult> {
    let apiKey: string | undefined;
    let version = 0;
    await this.change(name, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:deploy:' || $1))`, [name]);
      const deployments = tx.getRepository(DeploymentEntity);
      let deployment = await deployments.findOne({ where: { name } });
      if (deployment && deployment.workspaceId !== owner.workspaceId) {
        throw new ConflictError('deployment-exists', `deployment "${name}" belongs to another workspace`);
      }
      if (deployment && runId) {
        const existing = await tx
          .getRepository(DeploymentVersionEntity)
          .findOne({ where: { deploymentId: deployment.id, runId, nodeId } });
        if (existing) {
          version = existing.version;
          return;
        }
      }
      const isNew = !deployment;
      if (!deployment) {
        deployment = await deployments.save(
          deployments.create({
            name,
            workspaceId: owner.workspaceId,
            activeVersion: 1,
            canaryVersion: null,
            canaryShare: 0,
            createdBy: owner.userId,
          }),
        );
      }
      const [{ next }] = (await tx.query(
        `SELECT coalesce(max(version), 0) + 1 AS next FROM deployment_versions WHERE deployment_id = $1`,
        [deployment.id],
      )) as { next: number }[];
      version = next;
      const bundle = servingBundle(model, name, version, { runId, nodeId });
      await tx.query(
        `INSERT INTO deployment_versions (deployment_id, version, run_id, node_id, bundle, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
        [deployment.id, version, runId, nodeId, JSON.stringify(bundle), owner.userId],
      );
      await deployments.update(deployment.id, {
        activeVersion: version,
        ...(deployment.canaryVersion ? { canaryVersion: null, canaryShare: 0 } : {}),
        updatedAt: new Date(),
      });
      if (isNew) apiKey = (await this.insertKey(tx, deployment.id, 'default')).apiKey;
      await this.audit.record(
        {
          actor: owner.actor,
          action: 'deployment.published',
          workspaceId: owner.workspaceId,
          object: { type: 'deployment', id: name },
          details: { version, runId, nodeId, created: isNew, via: owner.via },
        },
        tx,
      );
    });
    this.logger.log(`deployed ${name} version ${version} from run ${runId ?? '(file)'} node ${nodeId}`);
    return { name, version, ...(apiKey ? { apiKey } : {}) };
  }

  private async insertKey(
    manager: EntityManager,
    deploymentId: string,
    name: string,
    rateLimitPerSecond = DEFAULT_KEY_RATE_PER_SECOND,
  ): Promise<{ key: DeploymentKeyEntity; apiKey: string }> {
    const apiKey = newSecret('pwk');
    const repository = manager.getRepository(DeploymentKeyEntity);
    const key = await repository.save(
      repository.create({
        deploymentId,
        name,
        keyHash: hashSecret(apiKey),
        prefix: apiKey.slice(0, 10),
        rateLimitPerSecond,
      }),
    );
    return { key, apiKey };
  }

  /** The model a run's node produced, or the one a deploy.service node received; refused unless that node succeeded. */
  /** The model a run's node trained; with `workspaceId`, a run of another workspace is as unknown as a missing one. */
  private async modelOf(
    runId: string,
    nodeId: string,
    workspaceId?: string,
  ): Promise<{ model: ModelBundle; defaultName?: string }> {
    if (!isUuid(runId)) throw new NotFoundError('run', runId);
    const run = await this.db
      .getRepository(RunEntity)
      .findOne({ where: { id: runId, ...(workspaceId ? { workspaceId } : {}) } });
    if (!run) throw new NotFoundError('run', runId);
    const job = run.plan.jobs.find((j) => j.nodeId === nodeId);
    if (!job) throw new BadRequestError(`run ${runId} has no node "${nodeId}"`, { nodeId });
    const nodes = this.db.getRepository(RunNodeEntity);
    const node = await nodes.findOne({ where: { runId, nodeId } });
    const done = (status: string | undefined) => status === 'succeeded' || status === 'cached';
    if (!done(node?.status)) {
      throw new ApiError(
        409,
        'not-trained',
        `node "${nodeId}" of run ${runId} has not succeeded (it is ${node?.status ?? 'unknown'})`,
        { nodeId },
      );
    }
    let source: PortValue | undefined = node?.outputs?.model;
    let defaultName: string | undefined;
    if (job.type === 'deploy.service') {
      defaultName = typeof job.params.name === 'string' ? job.params.name : undefined;
      const input = job.inputs.model;
      const upstream = input ? await nodes.findOne({ where: { runId, nodeId: input.nodeId } }) : null;
      source = upstream?.outputs?.[input!.port];
    }
    if (!source || source.kind !== 'model') {
      throw new BadRequestError(`node "${nodeId}" gives no model: name a trainer or a deploy.service node`, { nodeId });
    }
    return { model: source, defaultName };
  }

  private async summary(deployment: DeploymentEntity): Promise<DeploymentSummary> {
    const rows = (await this.db.query(
      `SELECT count(*)::int AS versions,
              (SELECT jsonb_build_object('algorithm', bundle->'model'->'algorithm', 'task', bundle->'model'->'task', 'label', bundle->'model'->'label') FROM deployment_versions
                WHERE deployment_id = $1 AND version = $2) AS model
         FROM deployment_versions WHERE deployment_id = $1`,
      [deployment.id, deployment.activeVersion],
    )) as { versions: number; model: { algorithm: string; task: string; label?: string } | null }[];
    return {
      name: deployment.name,
      activeVersion: deployment.activeVersion,
      versions: rows[0].versions,
      canary: deployment.canaryVersion ? { version: deployment.canaryVersion, share: deployment.canaryShare } : null,
      algorithm: rows[0].model?.algorithm ?? 'unknown',
      task: rows[0].model?.task ?? 'unknown',
      ...(rows[0].model?.label ? { label: rows[0].model.label } : {}),
      createdAt: deployment.createdAt.toISOString(),
      updatedAt: deployment.updatedAt.toISOString(),
    };
  }

  /**
   * deploy.service with autoDeploy: when a run started through the API succeeds, its models become the next
   * versions. A CLI run is left to the CLI that started it, which deploys it itself and shows the new API key.
   */
  private async noticeRunEvent(payload: string): Promise<void> {
    const [runId, seq] = payload.split(':');
    if (!runId || !isUuid(runId)) return;
    try {
      let deploys = this.deploysOnFinish.get(runId);
      if (!deploys) {
        deploys = this.db
          .getRepository(RunEntity)
          .findOne({ where: { id: runId } })
          .then((run) => !!run && run.origin !== 'cli' && autoDeployNodesOf(run.plan).length > 0);
        this.deploysOnFinish.set(runId, deploys);
        if (this.deploysOnFinish.size > 1000) this.deploysOnFinish.delete(this.deploysOnFinish.keys().next().value!);
      }
      if (!(await deploys)) return;
      const [event] = (await this.db.query(
        `SELECT type, payload->>'status' AS status FROM run_events WHERE run_id = $1 AND seq = $2`,
        [runId, Number(seq)],
      )) as { type: string; status: string | null }[];
      if (event?.type !== 'run-finished') return;
      this.deploysOnFinish.delete(runId);
      if (event.status !== 'succeeded') return;
      for (const outcome of await this.deployRun(runId)) {
        if ('error' in outcome)
          this.logger.warn(`auto-deploy of "${outcome.name}" after run ${runId} failed: ${outcome.error}`);
      }
    } catch (error) {
      this.logger.warn(`auto-deploy after run ${runId} failed: ${(error as Error).message}`);
    }
  }
}

/** A plan's deploy.service nodes that publish when their run succeeds (`autoDeploy` true or absent). */
function autoDeployNodesOf(plan: Plan): { nodeId: string; name: string }[] {
  return plan.jobs
    .filter(
      (job) => job.type === 'deploy.service' && job.params.autoDeploy !== false && typeof job.params.name === 'string',
    )
    .map((job) => ({ nodeId: job.nodeId, name: job.params.name as string }));
}

function keySummary(key: DeploymentKeyEntity): KeySummary {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    rateLimitPerSecond: key.rateLimitPerSecond,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
