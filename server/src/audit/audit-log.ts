import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuditEvent } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { Page } from '../api/page.js';
import type { AuditAction } from './audit-actions.js';

/**
 * Who acted: a user (a `Caller` will do; the email is looked up when only
 * the id is known), or a part of Pipewright acting on its own (`{ system:
 * 'cli' }`, a schedule, an auto-deploy with no user behind it).
 */
export type AuditActor = { id: string; email?: string } | { system: string };

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  /** The workspace the object belongs to; null for what concerns the whole instance (an instance admin flag). */
  workspaceId: string | null;
  object: { type: string; id: string };
  /** What a reader needs to understand the act: versions, roles, names — never a secret. */
  details?: Record<string, unknown>;
}

/** One act in the audit log as `GET /audit` answers it: the contract's. */
export type { AuditEvent };

export interface AuditQuery {
  /** A user id, or an email / system name (case-insensitive). */
  actor?: string;
  /** An action, or a family of them: `deployment.*`. */
  action?: string;
  /** An object type, or `type:id`. */
  object?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/**
 * The audit log (table `audit_events`). `record` takes the transaction of
 * the act it records, so the act and its record commit together or not at
 * all; without one it writes on its own.
 */
@Injectable()
export class AuditLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(entry: AuditEntry, tx: EntityManager = this.db.manager): Promise<void> {
    const userId = 'id' in entry.actor ? entry.actor.id : null;
    const name = 'id' in entry.actor ? (entry.actor.email ?? null) : entry.actor.system;
    await tx.query(
      `INSERT INTO audit_events (actor_id, actor_name, action, workspace_id, object_type, object_id, details)
       VALUES ($1::uuid, coalesce($2, (SELECT email FROM users WHERE id = $1::uuid), $1::text), $3, $4, $5, $6, $7::jsonb)`,
      [
        userId,
        name,
        entry.action,
        entry.workspaceId,
        entry.object.type,
        entry.object.id,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /** Newest first, within `workspaces` (`'all'`: every workspace and the instance-wide events). */
  async list(query: AuditQuery, workspaces: string[] | 'all'): Promise<Page<AuditEvent>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (workspaces !== 'all') where.push(`e.workspace_id = ANY(${param(workspaces)}::uuid[])`);
    if (query.actor) {
      const actor = param(query.actor);
      where.push(`(e.actor_id::text = ${actor} OR lower(e.actor_name) = lower(${actor}))`);
    }
    if (query.action?.endsWith('.*')) where.push(`e.action LIKE ${param(`${query.action.slice(0, -1)}%`)}`);
    else if (query.action) where.push(`e.action = ${param(query.action)}`);
    if (query.object) {
      const at = query.object.indexOf(':');
      if (at < 0) where.push(`e.object_type = ${param(query.object)}`);
      else {
        where.push(`e.object_type = ${param(query.object.slice(0, at))}`);
        where.push(`e.object_id = ${param(query.object.slice(at + 1))}`);
      }
    }
    if (query.from) where.push(`e.at >= ${param(query.from)}`);
    if (query.to) where.push(`e.at < ${param(query.to)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.db.query(
      `SELECT count(*)::int AS total FROM audit_events e ${filter}`,
      params,
    )) as { total: number }[];
    const rows = (await this.db.query(
      `SELECT e.id::text AS id, e.at, e.actor_id, e.actor_name, e.action, e.workspace_id, w.name AS workspace_name,
              e.object_type, e.object_id, e.details
         FROM audit_events e LEFT JOIN workspaces w ON w.id = e.workspace_id
         ${filter}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`,
      params,
    )) as AuditRow[];
    return { items: rows.map(eventOf), total };
  }
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  action: AuditAction;
  workspace_id: string | null;
  workspace_name: string | null;
  object_type: string;
  object_id: string;
  details: Record<string, unknown>;
}

function eventOf(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    object: { type: row.object_type, id: row.object_id },
    details: row.details,
  };
}
