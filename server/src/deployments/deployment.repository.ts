import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { DEPLOYMENTS_CHANNEL, DeploymentRegistry } from '../predict/deployment-registry.js';
import type { ServingBundle } from '../predict/serving-bundle.js';
import type { PromotionDecision } from '@pipewright/nodes';
import type { CanaryComparison, DeploymentSummary, DeploymentVersion } from '@pipewright/nodes/contracts';
import {
  DeploymentEntity,
  DeploymentKeyEntity,
  DeploymentVersionEntity,
  type HandPromotion,
  type VersionTrigger,
} from './deployment.entity.js';

/** A version in a deployment's history: the API contract's. */
export type VersionSummary = DeploymentVersion;
export type { DeploymentSummary };

/** A new version as it is stored: where its model came from, who published it. */
export interface NewVersion {
  deploymentId: string;
  version: number;
  runId: string | null;
  nodeId: string;
  bundle: ServingBundle;
  createdBy: string | null;
  trigger: VersionTrigger;
  metrics: Record<string, number> | null;
  decision: PromotionDecision;
}

/**
 * Where deployments, their versions, keys and canary comparisons are kept, and how a change reaches every
 * server instance. The publisher, keys and traffic services decide; this reads and writes.
 */
@Injectable()
export class DeploymentRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: DeploymentRegistry,
  ) {}

  /**
   * Reads that must agree — a deployment and its versions — in one snapshot of the database: read one after the
   * other outside it, a version published between them would show as promoted yet not serving.
   */
  snapshot<T>(read: (reader: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', read);
  }

  /** The deployment `name` of the workspace; another workspace's is as missing as an unknown one. */
  async find(name: string, workspaceId: string, reader: EntityManager = this.db.manager): Promise<DeploymentEntity> {
    const deployment = await reader.getRepository(DeploymentEntity).findOne({ where: { name, workspaceId } });
    if (!deployment) throw new NotFoundError('deployment', name);
    return deployment;
  }

  list(workspaceId: string, reader: EntityManager = this.db.manager): Promise<DeploymentEntity[]> {
    return reader.getRepository(DeploymentEntity).find({ where: { workspaceId }, order: { name: 'ASC' } });
  }

  async version(deployment: DeploymentEntity, version: number): Promise<DeploymentVersionEntity> {
    const row = await this.db
      .getRepository(DeploymentVersionEntity)
      .findOne({ where: { deploymentId: deployment.id, version } });
    if (!row) throw new NotFoundError(`version of deployment "${deployment.name}"`, String(version));
    return row;
  }

  async summary(deployment: DeploymentEntity, reader: EntityManager = this.db.manager): Promise<DeploymentSummary> {
    const rows = (await reader.query(
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

  async versions(deployment: DeploymentEntity, reader: EntityManager = this.db.manager): Promise<VersionSummary[]> {
    const rows = (await reader.query(
      `SELECT version, run_id, node_id, created_at, bundle->'model'->>'algorithm' AS algorithm,
              bundle->'model'->'inputs' AS inputs, bundle->'model'->'classes' AS classes,
              trigger, metrics, decision, hand_promotion
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
      trigger: VersionTrigger | null;
      metrics: Record<string, number> | null;
      decision: PromotionDecision | null;
      hand_promotion: HandPromotion | null;
    }[];
    return rows.map((row) => ({
      version: row.version,
      serving: row.version === deployment.activeVersion,
      active: row.version === deployment.activeVersion,
      runId: row.run_id,
      nodeId: row.node_id,
      algorithm: row.algorithm,
      inputs: row.inputs.map((c) => ({ name: c.name, type: c.type })),
      ...(row.classes ? { classes: row.classes } : {}),
      createdAt: row.created_at.toISOString(),
      ...(row.trigger ? { trigger: row.trigger } : {}),
      ...(row.metrics ? { metrics: row.metrics } : {}),
      ...(row.decision ? { promoted: row.decision.promoted, reason: row.decision.reason, decision: row.decision } : {}),
      ...(row.hand_promotion ? { handPromotion: row.hand_promotion } : {}),
    }));
  }

  keys(deploymentId: string): Promise<DeploymentKeyEntity[]> {
    return this.db.getRepository(DeploymentKeyEntity).find({ where: { deploymentId }, order: { createdAt: 'ASC' } });
  }

  async key(deploymentId: string, keyId: string): Promise<DeploymentKeyEntity | null> {
    if (!isUuid(keyId)) return null;
    return this.db.getRepository(DeploymentKeyEntity).findOne({ where: { id: keyId, deploymentId } });
  }

  async insertKey(
    manager: EntityManager,
    row: Pick<DeploymentKeyEntity, 'deploymentId' | 'name' | 'keyHash' | 'prefix' | 'rateLimitPerSecond'>,
  ): Promise<DeploymentKeyEntity> {
    const repository = manager.getRepository(DeploymentKeyEntity);
    return repository.save(repository.create(row));
  }

  async comparisons(deploymentId: string): Promise<CanaryComparison[]> {
    const rows = (await this.db.query(
      `SELECT served_version AS "servedVersion", other_version AS "otherVersion", rows, agreeing_rows AS "agreeingRows",
              served, other, created_at AS "createdAt"
         FROM deployment_comparisons WHERE deployment_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [deploymentId],
    )) as (Omit<CanaryComparison, 'createdAt'> & { createdAt: Date })[];
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }

  /** Changes a deployment in a transaction that also tells every server instance; this one reloads before answering. */
  async change<T>(name: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (tx) => {
      const done = await work(tx);
      await tx.query(`SELECT pg_notify($1, $2)`, [DEPLOYMENTS_CHANNEL, name]);
      return done;
    });
    await this.registry.reload(name);
    return result;
  }

  /** Inside a change: waits for any other publish of `name`, then reads it (in any workspace) as it now is. */
  async lockByName(tx: EntityManager, name: string): Promise<DeploymentEntity | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:deploy:' || $1))`, [name]);
    return tx.getRepository(DeploymentEntity).findOne({ where: { name } });
  }

  create(
    tx: EntityManager,
    deployment: Pick<DeploymentEntity, 'name' | 'workspaceId' | 'activeVersion' | 'createdBy'>,
  ): Promise<DeploymentEntity> {
    const deployments = tx.getRepository(DeploymentEntity);
    return deployments.save(deployments.create({ ...deployment, canaryVersion: null, canaryShare: 0 }));
  }

  /** The version a run's node already became, if it did: a run's model is published once per deployment. */
  versionFromRun(
    tx: EntityManager,
    deploymentId: string,
    runId: string,
    nodeId: string,
  ): Promise<DeploymentVersionEntity | null> {
    return tx.getRepository(DeploymentVersionEntity).findOne({ where: { deploymentId, runId, nodeId } });
  }

  /** Version `version` read inside a change (the serving one, to compare a challenger with). */
  versionIn(tx: EntityManager, deploymentId: string, version: number): Promise<DeploymentVersionEntity> {
    return tx.getRepository(DeploymentVersionEntity).findOneByOrFail({ deploymentId, version });
  }

  async nextVersion(tx: EntityManager, deploymentId: string): Promise<number> {
    const [{ next }] = (await tx.query(
      `SELECT coalesce(max(version), 0) + 1 AS next FROM deployment_versions WHERE deployment_id = $1`,
      [deploymentId],
    )) as { next: number }[];
    return next;
  }

  async insertVersion(tx: EntityManager, version: NewVersion): Promise<void> {
    await tx.query(
      `INSERT INTO deployment_versions (deployment_id, version, run_id, node_id, bundle, created_by, trigger, metrics, decision)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $9::jsonb)`,
      [
        version.deploymentId,
        version.version,
        version.runId,
        version.nodeId,
        JSON.stringify(version.bundle),
        version.createdBy,
        JSON.stringify(version.trigger),
        version.metrics ? JSON.stringify(version.metrics) : null,
        JSON.stringify(version.decision),
      ],
    );
  }

  async update(
    tx: EntityManager,
    deploymentId: string,
    changes: Partial<Pick<DeploymentEntity, 'activeVersion' | 'canaryVersion' | 'canaryShare'>>,
  ): Promise<void> {
    await tx.getRepository(DeploymentEntity).update(deploymentId, { ...changes, updatedAt: new Date() });
  }

  async recordHandPromotion(
    tx: EntityManager,
    deploymentId: string,
    version: number,
    promotion: HandPromotion,
  ): Promise<void> {
    await tx.getRepository(DeploymentVersionEntity).update({ deploymentId, version }, { handPromotion: promotion });
  }

  async remove(tx: EntityManager, deploymentId: string): Promise<void> {
    await tx.getRepository(DeploymentEntity).delete(deploymentId);
  }

  async revokeKey(tx: EntityManager, keyId: string): Promise<void> {
    await tx.getRepository(DeploymentKeyEntity).update(keyId, { revokedAt: new Date() });
  }

  async keyById(keyId: string): Promise<DeploymentKeyEntity> {
    return this.db.getRepository(DeploymentKeyEntity).findOneByOrFail({ id: keyId });
  }

  /** Leaves a new deployment's first key, encrypted to whoever started the run, for them to take once. */
  async insertKeyReveal(
    tx: EntityManager,
    reveal: { runId: string; nodeId: string; name: string; ciphertext: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO deployment_key_reveals (run_id, node_id, deployment_name, ciphertext) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, node_id) DO NOTHING`,
      [reveal.runId, reveal.nodeId, reveal.name, reveal.ciphertext],
    );
  }

  /** The run's waiting key reveals, removed as they are read: each is handed out once. */
  async takeKeyReveals(runId: string): Promise<{ nodeId: string; name: string; ciphertext: string }[]> {
    // A DELETE answers [rows, count].
    const [rows] = (await this.db.query(
      `DELETE FROM deployment_key_reveals WHERE run_id = $1
       RETURNING node_id AS "nodeId", deployment_name AS "name", ciphertext`,
      [runId],
    )) as [{ nodeId: string; name: string; ciphertext: string }[], number];
    return rows;
  }

  /** The bundles each deployment of the workspace serves, by name: the prediction endpoints' OpenAPI. */
  async servingBundles(workspaceId: string): Promise<ServingBundle[]> {
    const rows = (await this.db.query(
      `SELECT v.bundle FROM deployments d JOIN deployment_versions v ON v.deployment_id = d.id AND v.version = d.active_version
        WHERE d.workspace_id = $1 ORDER BY d.name`,
      [workspaceId],
    )) as { bundle: ServingBundle }[];
    return rows.map((row) => row.bundle);
  }
}
