import { Injectable } from '@nestjs/common';
import type { CanaryComparison } from '@pipewright/nodes/contracts';
import { BadRequestError } from '../api/api-errors.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Caller } from '../auth/roles.js';
import { DeploymentRepository, type DeploymentSummary } from './deployment.repository.js';

/** Which version answers: the one that serves (rollback, roll-forward) and a canary's share beside it. */
@Injectable()
export class DeploymentTraffic {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Serves `version` from now on (a rollback, a roll-forward, or a candidate its policy kept back); the switch
   * is atomic, in-flight requests finish on the old one. The version's history says who did it and when.
   */
  async promote(name: string, version: number, caller: Caller): Promise<DeploymentSummary> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    await this.repository.version(deployment, version);
    await this.repository.change(deployment.name, async (tx) => {
      await this.repository.update(tx, deployment.id, {
        activeVersion: version,
        ...(deployment.canaryVersion === version ? { canaryVersion: null, canaryShare: 0 } : {}),
      });
      if (version !== deployment.activeVersion) {
        await this.repository.recordHandPromotion(tx, deployment.id, version, {
          userId: caller.id,
          email: caller.email,
          at: new Date().toISOString(),
        });
      }
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
    return this.repository.summary(await this.repository.find(name, caller.workspaceId));
  }

  /** Sends `share` of requests to `version` (the rest to the active one), logging both versions' predictions for those. */
  async setCanary(name: string, version: number | null, share: number, caller: Caller): Promise<DeploymentSummary> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    if (version !== null) {
      await this.repository.version(deployment, version);
      if (version === deployment.activeVersion)
        throw new BadRequestError(`version ${version} is already the active one`, { param: 'version' });
    }
    await this.repository.change(deployment.name, async (tx) => {
      await this.repository.update(tx, deployment.id, {
        canaryVersion: version,
        canaryShare: version === null ? 0 : share,
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
    return this.repository.summary(await this.repository.find(name, caller.workspaceId));
  }

  /** The requests a canary answered, with both versions' predictions, newest first. */
  async comparisons(name: string, caller: Caller): Promise<{ items: CanaryComparison[] }> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    return { items: await this.repository.comparisons(deployment.id) };
  }
}
