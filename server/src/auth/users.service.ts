import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MembershipSummary, UserSummary, UserWithPassword } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { BadRequestError, ConflictError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page } from '../api/page.js';
import { AuditLog } from '../audit/audit-log.js';
import { AccountsService, announce, endSessions, ForbiddenError } from './accounts.service.js';
import { generatePassword, hashPassword } from './password-hashing.js';
import { passwordProblem } from './password-policy.js';
import type { Caller, Role } from './roles.js';
import { MembershipEntity, UserEntity } from './user.entity.js';

// The shapes the API answers: the contract's.
export type { MembershipSummary, UserSummary, UserWithPassword };

/**
 * Accounts, as admins manage them. A workspace admin sees and adds users in
 * the workspaces it administers; it may disable a user or reset its password
 * only when every workspace that user belongs to is one of those (anything
 * else would reach into another team's workspace). An instance admin manages
 * everyone.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly audit: AuditLog,
  ) {}

  /** The users with a membership in `workspaceId` (or any workspace `caller` administers), oldest first. */
  async list(
    caller: Caller,
    query: { workspaceId?: string; limit: number; offset: number },
  ): Promise<Page<UserSummary>> {
    const administered = await this.accounts.administeredWorkspaces(caller);
    if (query.workspaceId && !manages(administered, query.workspaceId)) {
      throw new NotFoundError('workspace', query.workspaceId);
    }
    const scope = query.workspaceId ? [query.workspaceId] : administered === 'all' ? null : administered;
    const filter = `($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.workspace_id = ANY($1)))`;
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM users u WHERE ${filter}`, [
      scope,
    ])) as { total: number }[];
    const users = (await this.db.query(
      `SELECT u.id FROM users u WHERE ${filter} ORDER BY u.created_at, u.id LIMIT $2 OFFSET $3`,
      [scope, query.limit, query.offset],
    )) as { id: string }[];
    return {
      items: await this.summaries(
        users.map((u) => u.id),
        administered,
      ),
      total,
    };
  }

  /**
   * A new user with a role in one workspace (`caller`'s current one unless named). Without a password one is
   * generated, answered this once, and must be changed at the first login.
   */
  async create(
    caller: Caller,
    request: { email: string; password?: string; role: Role; workspaceId: string },
  ): Promise<UserWithPassword> {
    const administered = await this.accounts.administeredWorkspaces(caller);
    const { workspaceId } = request;
    // A workspace the caller does not administer answers exactly as one that does not exist.
    if (!isUuid(workspaceId) || !manages(administered, workspaceId) || !(await this.workspaceExists(workspaceId))) {
      throw new BadRequestError(`workspace "${workspaceId}" does not exist`, { param: 'workspaceId' });
    }
    const email = request.email.trim();
    const problem = request.password === undefined ? undefined : passwordProblem(request.password, email);
    if (problem) throw new BadRequestError(`password: ${problem}`, { param: 'password' });
    const oneTimePassword = request.password === undefined ? generatePassword() : undefined;
    const passwordHash = await hashPassword(request.password ?? oneTimePassword!);
    const id = await this.db.transaction(async (tx) => {
      const users = tx.getRepository(UserEntity);
      const taken = await users
        .createQueryBuilder('user')
        .where('lower(user.email) = lower(:email)', { email })
        .getExists();
      if (taken) {
        throw new ConflictError(
          'user-exists',
          `a user with email "${email}" already exists: add it to the workspace as a member instead`,
        );
      }
      const user = await users.save(
        users.create({ email, passwordHash, instanceAdmin: false, mustChangePassword: oneTimePassword !== undefined }),
      );
      await tx.getRepository(MembershipEntity).insert({ userId: user.id, workspaceId, role: request.role });
      await this.audit.record(
        {
          actor: caller,
          action: 'user.created',
          workspaceId,
          object: { type: 'user', id: user.id },
          details: { email, role: request.role, generatedPassword: oneTimePassword !== undefined },
        },
        tx,
      );
      return user.id;
    });
    const [summary] = await this.summaries([id], administered);
    return { ...summary, ...(oneTimePassword ? { oneTimePassword } : {}) };
  }

  /** Disables or enables an account, or grants or revokes instance admin (only an instance admin may). */
  async update(
    caller: Caller,
    userId: string,
    change: { disabled?: boolean; instanceAdmin?: boolean },
  ): Promise<UserSummary> {
    const administered = await this.accounts.administeredWorkspaces(caller);
    const user = await this.visibleUser(userId, administered);
    if (change.instanceAdmin !== undefined && !caller.instanceAdmin) {
      throw new ForbiddenError('only an instance admin can grant or revoke instance admin');
    }
    if (change.disabled !== undefined) await this.requireWholeAccount(user, administered);
    if (change.disabled === true && user.id === caller.id) {
      throw new BadRequestError('you cannot disable your own account', { param: 'disabled' });
    }
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:instance-admins'))`);
      if (change.instanceAdmin === false && user.instanceAdmin) await this.requireAnotherInstanceAdmin(tx, user);
      if (change.disabled !== undefined && change.disabled !== (user.disabledAt !== null)) {
        await tx.getRepository(UserEntity).update(user.id, { disabledAt: change.disabled ? new Date() : null });
        // Cut off at once: its sessions end, and its sockets are closed on every server instance.
        if (change.disabled) await endSessions(tx, user.id);
        await this.audit.record(
          {
            actor: caller,
            action: change.disabled ? 'user.disabled' : 'user.enabled',
            workspaceId: caller.workspaceId,
            object: { type: 'user', id: user.id },
            details: { email: user.email },
          },
          tx,
        );
      }
      if (change.instanceAdmin !== undefined && change.instanceAdmin !== user.instanceAdmin) {
        await tx.getRepository(UserEntity).update(user.id, { instanceAdmin: change.instanceAdmin });
        // Its sessions act with the new rights from their next request; its sockets are checked again now.
        await announce(tx, { userId: user.id });
        await this.audit.record(
          {
            actor: caller,
            action: change.instanceAdmin ? 'user.instance-admin-granted' : 'user.instance-admin-revoked',
            workspaceId: null,
            object: { type: 'user', id: user.id },
            details: { email: user.email },
          },
          tx,
        );
      }
    });
    const [summary] = await this.summaries([user.id], administered);
    return summary;
  }

  /**
   * Replaces a user's password with a generated one, answered this once; the user must change it at its
   * next login, and every session it had ends.
   */
  async resetPassword(caller: Caller, userId: string): Promise<UserWithPassword> {
    const administered = await this.accounts.administeredWorkspaces(caller);
    const user = await this.visibleUser(userId, administered);
    if (user.id === caller.id) {
      throw new BadRequestError(
        'change your own password with POST /api/auth/password { currentPassword, newPassword }',
      );
    }
    await this.requireWholeAccount(user, administered);
    const oneTimePassword = generatePassword();
    const passwordHash = await hashPassword(oneTimePassword);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(UserEntity).update(user.id, { passwordHash, mustChangePassword: true });
      await endSessions(tx, user.id);
      await this.audit.record(
        {
          actor: caller,
          action: 'user.password-reset',
          workspaceId: caller.workspaceId,
          object: { type: 'user', id: user.id },
          details: { email: user.email },
        },
        tx,
      );
    });
    const [summary] = await this.summaries([user.id], administered);
    return { ...summary, oneTimePassword };
  }

  /** A user the caller may see (one with a membership in a workspace it administers), else as unknown. */
  private async visibleUser(userId: string, administered: string[] | 'all'): Promise<UserEntity> {
    const user = isUuid(userId) ? await this.db.getRepository(UserEntity).findOneBy({ id: userId }) : null;
    if (user && administered === 'all') return user;
    const visible =
      user &&
      (
        (await this.db.query(`SELECT 1 FROM memberships WHERE user_id = $1 AND workspace_id = ANY($2::uuid[])`, [
          user.id,
          administered,
        ])) as unknown[]
      ).length > 0;
    if (!user || !visible) throw new NotFoundError('user', userId);
    return user;
  }

  /** Whether the caller holds the whole account: every workspace the user belongs to is one it administers. */
  private async requireWholeAccount(user: UserEntity, administered: string[] | 'all'): Promise<void> {
    if (administered === 'all') return;
    if (user.instanceAdmin) {
      throw new ForbiddenError(`${user.email} is an instance admin: only an instance admin can change this account`);
    }
    const memberships = await this.db.getRepository(MembershipEntity).findBy({ userId: user.id });
    if (memberships.some((m) => !administered.includes(m.workspaceId))) {
      throw new ForbiddenError(
        `${user.email} also belongs to a workspace you do not administer: ask an instance admin to do this`,
      );
    }
  }

  private async requireAnotherInstanceAdmin(tx: EntityManager, user: UserEntity): Promise<void> {
    const others = await tx
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('user.instance_admin AND user.disabled_at IS NULL AND user.id <> :id', { id: user.id })
      .getCount();
    if (others === 0) {
      throw new ConflictError(
        'last-instance-admin',
        `${user.email} is the last instance admin: make another user instance admin first`,
      );
    }
  }

  private async workspaceExists(workspaceId: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM workspaces WHERE id = $1`, [workspaceId])) as unknown[];
    return rows.length > 0;
  }

  private async summaries(userIds: string[], administered: string[] | 'all'): Promise<UserSummary[]> {
    if (userIds.length === 0) return [];
    const users = (await this.db.query(
      `SELECT id, email, instance_admin, disabled_at, must_change_password, created_at FROM users WHERE id = ANY($1)`,
      [userIds],
    )) as {
      id: string;
      email: string;
      instance_admin: boolean;
      disabled_at: Date | null;
      must_change_password: boolean;
      created_at: Date;
    }[];
    const memberships = (await this.db.query(
      `SELECT m.user_id, m.workspace_id, w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = ANY($1) AND ($2::uuid[] IS NULL OR m.workspace_id = ANY($2))
        ORDER BY m.created_at, w.name`,
      [userIds, administered === 'all' ? null : administered],
    )) as { user_id: string; workspace_id: string; name: string; role: Role }[];
    const byId = new Map(users.map((user) => [user.id, user]));
    return userIds.map((id) => {
      const user = byId.get(id)!;
      return {
        id: user.id,
        email: user.email,
        instanceAdmin: user.instance_admin,
        disabled: user.disabled_at !== null,
        mustChangePassword: user.must_change_password,
        createdAt: user.created_at.toISOString(),
        memberships: memberships
          .filter((m) => m.user_id === id)
          .map((m) => ({ workspaceId: m.workspace_id, workspaceName: m.name, role: m.role })),
      };
    });
  }
}

/** Whether an admin whose workspaces are `administered` manages `workspaceId`. */
export function manages(administered: string[] | 'all', workspaceId: string): boolean {
  return administered === 'all' || administered.includes(workspaceId);
}
