import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { hashSecret } from '../auth/tokens.js';
import { DeploymentEntity, DeploymentKeyEntity, DeploymentVersionEntity } from '../deployments/deployment.entity.js';
import { PgNotificationListener } from '../events/pg-notification-listener.js';
import { ServerInstances } from '../instances/server-instances.js';
import { rowSchema } from './request-rows.js';
import type { KeyGrant, LoadedDeployment, LoadedVersion, ServingSource } from './serving-source.js';

/** Carries the name of a deployment that changed (versions, keys, canary), to every server instance. */
export const DEPLOYMENTS_CHANNEL = 'pipewright_deployments';
const MAX_CACHED_KEYS = 10_000;
const MAX_PENDING_COMPARISONS = 20;

/**
 * The deployments a server answers predictions from, held in memory and
 * reloaded when one changes. A reload swaps the whole deployment at once
 * after the new version is loaded, so a rollback drops no request.
 */
@Injectable()
export class DeploymentRegistry implements ServingSource, OnModuleInit {
  private readonly logger = new Logger('Deployments');
  private readonly deployments = new Map<string, Promise<LoadedDeployment | undefined>>();
  private readonly keys = new Map<string, KeyGrant | null>();
  private pendingComparisons = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: PgNotificationListener,
    private readonly instances: ServerInstances,
  ) {}

  rateShare(): number {
    return 1 / this.instances.liveCount();
  }

  async onModuleInit(): Promise<void> {
    await this.notifications.listen(DEPLOYMENTS_CHANNEL, (name) => void this.reload(name));
    this.notifications.onReconnect(() => {
      for (const name of [...this.deployments.keys()]) void this.reload(name);
    });
  }

  deployment(name: string): Promise<LoadedDeployment | undefined> {
    let loaded = this.deployments.get(name);
    if (!loaded) {
      loaded = this.load(name);
      this.deployments.set(name, loaded);
      // An unknown name is not remembered: it may be deployed a moment later, and names are unbounded.
      loaded
        .then((found) => !found && this.deployments.get(name) === loaded && this.deployments.delete(name))
        .catch(() => this.deployments.delete(name));
    }
    return loaded;
  }

  async key(secret: string): Promise<KeyGrant | undefined> {
    // Keyed by the secret itself (held only in this process's memory, as each request holds it): no hash a request.
    const cached = this.keys.get(secret);
    if (cached !== undefined) return cached ?? undefined;
    const hash = hashSecret(secret);
    const key = await this.db
      .getRepository(DeploymentKeyEntity)
      .findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    const grant = key ? { keyId: key.id, deploymentId: key.deploymentId, ratePerSecond: key.rateLimitPerSecond } : null;
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
    this.keys.set(secret, grant);
    return grant ?? undefined;
  }

  /**
   * Loads the deployment afresh and then swaps it in; the old one answers until then. Keys are re-read on next use.
   * One this process does not hold is left to load when first asked for: a process that serves nothing (the CLI,
   * a worker) queries nothing, and so cannot race its own shutdown.
   */
  async reload(name: string): Promise<void> {
    this.keys.clear();
    if (!this.deployments.has(name)) return;
    try {
      const fresh = await this.load(name);
      if (fresh) this.deployments.set(name, Promise.resolve(fresh));
      else this.deployments.delete(name);
    } catch (error) {
      this.logger.warn(`could not reload deployment "${name}": ${(error as Error).message}`);
    }
  }

  compare(
    deployment: LoadedDeployment,
    served: LoadedVersion,
    other: LoadedVersion,
    rows: number,
    servedOut: unknown[],
    otherOut: unknown[],
  ): void {
    if (this.pendingComparisons >= MAX_PENDING_COMPARISONS) return;
    this.pendingComparisons++;
    const agreeing = servedOut.reduce<number>((count, value, i) => count + (value === otherOut[i] ? 1 : 0), 0);
    this.db
      .query(
        `INSERT INTO deployment_comparisons (deployment_id, served_version, other_version, rows, agreeing_rows, served, other)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
        [
          deployment.id,
          served.version,
          other.version,
          rows,
          agreeing,
          JSON.stringify(servedOut.slice(0, 100)),
          JSON.stringify(otherOut.slice(0, 100)),
        ],
      )
      .catch((error: unknown) => this.logger.warn(`could not log a canary comparison: ${(error as Error).message}`))
      .finally(() => this.pendingComparisons--);
  }

  private async load(name: string): Promise<LoadedDeployment | undefined> {
    const deployment = await this.db.getRepository(DeploymentEntity).findOne({ where: { name } });
    if (!deployment) return undefined;
    const versions = [deployment.activeVersion, ...(deployment.canaryVersion ? [deployment.canaryVersion] : [])];
    const rows = await this.db
      .getRepository(DeploymentVersionEntity)
      .createQueryBuilder('v')
      .where('v.deployment_id = :id AND v.version IN (:...versions)', { id: deployment.id, versions })
      .getMany();
    const loaded = new Map(
      rows.map((row): [number, LoadedVersion] => [
        row.version,
        { version: row.version, bundle: row.bundle, schema: rowSchema(row.bundle.model) },
      ]),
    );
    const active = loaded.get(deployment.activeVersion);
    if (!active) return undefined;
    const canary = deployment.canaryVersion ? loaded.get(deployment.canaryVersion) : undefined;
    return {
      id: deployment.id,
      name: deployment.name,
      active,
      ...(canary && deployment.canaryShare > 0 ? { canary: { version: canary, share: deployment.canaryShare } } : {}),
    };
  }
}
