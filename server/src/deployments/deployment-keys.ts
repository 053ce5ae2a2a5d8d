import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApiKeySummary, KeyReveal } from '@pipewright/nodes/contracts';
import { NotFoundError } from '../api/api-errors.js';
import { AuditLog } from '../audit/audit-log.js';
import { encryptFor, type KeyRecipient } from '../auth/key-reveal.js';
import type { Caller } from '../auth/roles.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { RunsService } from '../runs/runs.service.js';
import type { DeploymentKeyEntity } from './deployment.entity.js';
import { DeploymentRepository } from './deployment.repository.js';

/** Requests a second an API key may make unless its creator says otherwise. */
export const DEFAULT_KEY_RATE_PER_SECOND = 100_000;

/** An API key as lists show it (never the key itself), and a run's new key encrypted to its starter: the contract's. */
export type KeySummary = ApiKeySummary;
export type { KeyReveal };

/**
 * A deployment's API keys: issued (the secret is answered once; the database keeps its hash), listed by prefix,
 * revoked. A key a run's deploy issues is handed to the one who started the run, encrypted, once.
 */
@Injectable()
export class DeploymentKeys {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly runs: RunsService,
    private readonly audit: AuditLog,
  ) {}

  async list(name: string, caller: Caller): Promise<KeySummary[]> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    return (await this.repository.keys(deployment.id)).map(keySummary);
  }

  /** A new key: the secret is in this answer only. */
  async create(
    name: string,
    options: { name?: string; rateLimitPerSecond?: number },
    caller: Caller,
  ): Promise<KeySummary & { apiKey: string }> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    const { key, apiKey } = await this.repository.change(deployment.name, async (tx) => {
      const created = await this.issue(tx, deployment.id, options.name ?? 'key', options.rateLimitPerSecond);
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
  async revoke(name: string, keyId: string, caller: Caller): Promise<KeySummary> {
    const deployment = await this.repository.find(name, caller.workspaceId);
    const key = await this.repository.key(deployment.id, keyId);
    if (!key) throw new NotFoundError('API key', keyId);
    if (!key.revokedAt) {
      await this.repository.change(deployment.name, async (tx) => {
        await this.repository.revokeKey(tx, key.id);
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
    return keySummary(await this.repository.keyById(key.id));
  }

  /** Makes a key inside the caller's transaction; the secret is answered here and nowhere else. */
  async issue(
    tx: EntityManager,
    deploymentId: string,
    name: string,
    rateLimitPerSecond = DEFAULT_KEY_RATE_PER_SECOND,
  ): Promise<{ key: DeploymentKeyEntity; apiKey: string }> {
    const apiKey = newSecret('pwk');
    const key = await this.repository.insertKey(tx, {
      deploymentId,
      name,
      keyHash: hashSecret(apiKey),
      prefix: apiKey.slice(0, 10),
      rateLimitPerSecond,
    });
    return { key, apiKey };
  }

  /** Leaves `apiKey`, encrypted to `recipient`, for the one who started run `runId` (in the publishing transaction). */
  async leaveForRunStarter(
    tx: EntityManager,
    reveal: { runId: string; nodeId: string; name: string; apiKey: string; recipient: KeyRecipient },
  ): Promise<void> {
    await this.repository.insertKeyReveal(tx, { ...reveal, ciphertext: encryptFor(reveal.recipient, reveal.apiKey) });
  }

  /**
   * The run's waiting key reveals, to the user who started it and to no one else (another user, even of the
   * same workspace, finds nothing), each handed out once. `caller` undefined: the CLI that started the run.
   */
  async takeForRunStarter(runId: string, caller?: Caller): Promise<KeyReveal[]> {
    const run = await this.runs.record(runId, caller?.workspaceId);
    if (caller && run.createdBy !== caller.id) return [];
    const reveals = await this.repository.takeKeyReveals(run.id);
    for (const reveal of reveals) {
      await this.audit.record({
        actor: caller ?? { system: 'cli' },
        action: 'key.revealed',
        workspaceId: run.workspaceId,
        object: { type: 'deployment', id: reveal.name },
        details: { runId: run.id, nodeId: reveal.nodeId },
      });
    }
    return reveals;
  }
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
