import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MemberSummary, WorkspaceSummary } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { AuditLog } from '../audit/audit-log.js';
import { AccountsService, announce, ForbiddenError } from './accounts.service.js';
import type { Caller, Role } from './roles.js';
import { MembershipEntity, UserEntity, WorkspaceEntity } from './user.entity.js';
import { manages } from './users.service.js';

// The shapes the API answers: the contract's.
export type { MemberSummary, WorkspaceSummary };

/**
 * Workspaces and who works in them. Only an instance admin makes
 * workspaces; a workspace's admins (and instance admins) rename it and
 * manage its members. A workspace always keeps at least one admin member.
 */
@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly audit: AuditLog,
  ) {}

  /** The workspaces the caller may work in (every one for an instance admin), with its role in each. */
  async list(caller: Caller): Promise<WorkspaceSummary[]> {
    const access = await this.accounts.workspacesOf(caller);
    if (access.length === 0) return [];
    const rows = (await this.db.query(
      `SELECT w.id, w.created_at, (SELECT count(*)::int FROM memberships m WHERE m.workspace_id = w.id) AS members
         FROM workspaces w WHERE w.id = ANY($1)`,
      [access.map((workspace) => workspace.id)],
    )) as { id: string; created_at: Date; members: number }[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return access.map((workspace) => ({
      ...workspace,
      createdAt: byId.get(workspace.id)!.created_at.toISOString(),
      members: byId.get(workspace.id)!.members,
    }));
  }

  async create(caller: Caller, name: string): Promise<WorkspaceSummary> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:workspace-names'))`);
      await this.requireFreeName(tx, name);
      const repository = tx.getRepository(WorkspaceEntity);
      const workspace = await repository.save(repository.create({ name }));
      await this.audit.record(
        {
          actor: caller,
          action: 'workspace.created',
          workspaceId: workspace.id,
          object: { type: 'workspace', id: workspace.id },
          details: { name },
        },
        tx,
      );
      return { id: workspace.id, name, createdAt: workspace.createdAt.toISOString(), role: 'admin', members: 0 };
    });
  }

  async rename(caller: Caller, workspaceId: string, name: string): Promise<WorkspaceSummary> {
    const workspace = await this.administered(caller, workspaceId);
    if (name !== workspace.name) {
      await this.db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:workspace-names'))`);
        if (name.toLowerCase() !== workspace.name.toLowerCase()) await this.requireFreeName(tx, name);
        await tx.getRepository(WorkspaceEntity).update(workspace.id, { name });
        await this.audit.record(
          {
            actor: caller,
            action: 'workspace.renamed',
            workspaceId: workspace.id,
            object: { type: 'workspace', id: workspace.id },
            details: { from: workspace.name, to: name },
          },
          tx,
        );
      });
    }
    return this.summaryAsAdmin(workspace.id);
  }

  async members(caller: Caller, workspaceId: string): Promise<MemberSummary[]> {
    const workspace = await this.administered(caller, workspaceId);
    return this.memberRows(workspace.id);
  }

  /** Adds an existing user (by email) to the workspace with a role. */
  async addMember(caller: Caller, workspaceId: string, email: string, role: Role): Promise<MemberSummary> {
    const workspace = await this.administered(caller, workspaceId);
    const user = await this.db
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('lower(user.email) = lower(:email)', { email: email.trim() })
      .getOne();
    if (!user) throw new NotFoundError('user', email.trim());
    await this.db.transaction(async (tx) => {
      const memberships = tx.getRepository(MembershipEntity);
      if (await memberships.existsBy({ userId: user.id, workspaceId: workspace.id })) {
        throw new ConflictError('member-exists', `${user.email} is already a member of "${workspace.name}"`);
      }
      await memberships.insert({ userId: user.id, workspaceId: workspace.id, role });
      await this.audit.record(
        {
          actor: caller,
          action: 'member.added',
          workspaceId: workspace.id,
          object: { type: 'user', id: user.id },
          details: { email: user.email, role },
        },
        tx,
      );
    });
    return this.member(workspace.id, user.id);
  }

  async changeMember(caller: Caller, workspaceId: string, userId: string, role: Role): Promise<MemberSummary> {
    const workspace = await this.administered(caller, workspaceId);
    await this.db.transaction(async (tx) => {
      const membership = await this.lockMembership(tx, workspace, userId);
      if (membership.role === role) return;
      if (membership.role === 'admin') await this.requireAnotherAdmin(tx, workspace, membership);
      await tx
        .getRepository(MembershipEntity)
        .update({ userId: membership.userId, workspaceId: workspace.id }, { role });
      await announce(tx, { userId: membership.userId });
      await this.audit.record(
        {
          actor: caller,
          action: 'member.role-changed',
          workspaceId: workspace.id,
          object: { type: 'user', id: membership.userId },
          details: { email: membership.email, from: membership.role, to: role },
        },
        tx,
      );
    });
    return this.member(workspace.id, userId);
  }

  /** Removes a member: its sessions working there move to its next workspace, its sockets lose that workspace's runs. */
  async removeMember(caller: Caller, workspaceId: string, userId: string): Promise<void> {
    const workspace = await this.administered(caller, workspaceId);
    await this.db.transaction(async (tx) => {
      const membership = await this.lockMembership(tx, workspace, userId);
      if (membership.role === 'admin') await this.requireAnotherAdmin(tx, workspace, membership);
      await tx.getRepository(MembershipEntity).delete({ userId: membership.userId, workspaceId: workspace.id });
      await announce(tx, { userId: membership.userId });
      await this.audit.record(
        {
          actor: caller,
          action: 'member.removed',
          workspaceId: workspace.id,
          object: { type: 'user', id: membership.userId },
          details: { email: membership.email, role: membership.role },
        },
        tx,
      );
    });
  }

  /**
   * The workspace, when the caller administers it. One it only belongs to is refused saying so; one it
   * does not belong to answers as an unknown id.
   */
  private async administered(caller: Caller, workspaceId: string): Promise<WorkspaceEntity> {
    const workspace = isUuid(workspaceId)
      ? await this.db.getRepository(WorkspaceEntity).findOneBy({ id: workspaceId })
      : null;
    if (!workspace) throw new NotFoundError('workspace', workspaceId);
    if (manages(await this.accounts.administeredWorkspaces(caller), workspace.id)) return workspace;
    const role = await this.accounts.roleIn(caller.id, workspace.id);
    if (!role) throw new NotFoundError('workspace', workspaceId);
    throw new ForbiddenError(`only admins of "${workspace.name}" manage it and its members; you are ${role} there`);
  }

  private async lockMembership(
    tx: EntityManager,
    workspace: WorkspaceEntity,
    userId: string,
  ): Promise<{ userId: string; email: string; role: Role }> {
    // Changes to one workspace's members take turns, so two admins cannot demote each other at once.
    await tx.query(`SELECT id FROM workspaces WHERE id = $1 FOR UPDATE`, [workspace.id]);
    const [row] = isUuid(userId)
      ? ((await tx.query(
          `SELECT m.user_id, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = $1 AND m.user_id = $2`,
          [workspace.id, userId],
        )) as { user_id: string; email: string; role: Role }[])
      : [];
    if (!row) throw new NotFoundError(`member of "${workspace.name}"`, userId);
    return { userId: row.user_id, email: row.email, role: row.role };
  }

  private async requireAnotherAdmin(
    tx: EntityManager,
    workspace: WorkspaceEntity,
    membership: { userId: string; email: string },
  ): Promise<void> {
    const [{ admins }] = (await tx.query(
      `SELECT count(*)::int AS admins FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = $1 AND m.role = 'admin' AND m.user_id <> $2 AND u.disabled_at IS NULL`,
      [workspace.id, membership.userId],
    )) as { admins: number }[];
    if (admins === 0) {
      throw new ConflictError(
        'last-admin',
        `${membership.email} is the last admin of "${workspace.name}": make another member admin first`,
      );
    }
  }

  private async requireFreeName(tx: EntityManager, name: string): Promise<void> {
    const taken = await tx
      .getRepository(WorkspaceEntity)
      .createQueryBuilder('workspace')
      .where('lower(workspace.name) = lower(:name)', { name })
      .getExists();
    if (taken) throw new ConflictError('workspace-exists', `a workspace named "${name}" already exists`);
  }

  private async member(workspaceId: string, userId: string): Promise<MemberSummary> {
    const [member] = await this.memberRows(workspaceId, userId);
    return member;
  }

  private async memberRows(workspaceId: string, userId?: string): Promise<MemberSummary[]> {
    const rows = (await this.db.query(
      `SELECT u.id, u.email, m.role, u.instance_admin, u.disabled_at, m.created_at
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = $1 AND ($2::uuid IS NULL OR m.user_id = $2)
        ORDER BY m.created_at, u.email`,
      [workspaceId, userId ?? null],
    )) as {
      id: string;
      email: string;
      role: Role;
      instance_admin: boolean;
      disabled_at: Date | null;
      created_at: Date;
    }[];
    return rows.map((row) => ({
      userId: row.id,
      email: row.email,
      role: row.role,
      instanceAdmin: row.instance_admin,
      disabled: row.disabled_at !== null,
      since: row.created_at.toISOString(),
    }));
  }

  private async summaryAsAdmin(workspaceId: string): Promise<WorkspaceSummary> {
    const [row] = (await this.db.query(
      `SELECT w.id, w.name, w.created_at, (SELECT count(*)::int FROM memberships m WHERE m.workspace_id = w.id) AS members
         FROM workspaces w WHERE w.id = $1`,
      [workspaceId],
    )) as { id: string; name: string; created_at: Date; members: number }[];
    return { id: row.id, name: row.name, createdAt: row.created_at.toISOString(), role: 'admin', members: row.members };
  }
}
