import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { WorkspaceAccess } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from './default-workspace.js';
import { ApiError, BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { AuditLog } from '../audit/audit-log.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { deviceToken } from './device-cookie.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hashing.js';
import { passwordProblem } from './password-policy.js';
import type { Caller, Role } from './roles.js';
import { hashSecret, newSecret } from './tokens.js';
import { MembershipEntity, SessionEntity, UserEntity } from './user.entity.js';

export const SESSION_DAYS = 14;

/**
 * The channel that tells every server instance a session changed: ended,
 * switched workspace, or its user lost a role or was disabled. Socket.IO
 * connections of that session (or user) are checked again at once.
 */
export const ACCOUNTS_CHANNEL = 'pipewright_accounts';
export type AccountChange = { tokenHash: string } | { userId: string };

/** A workspace a user may work in, with the role there: the contract's. */
export type { WorkspaceAccess };

/** A logged-in session: who acts through it, and which stored session it is. */
export interface Session {
  caller: Caller;
  tokenHash: string;
  expiresAt: Date;
}

/** What the first start created: the password is set only when it was generated (and is shown this once). */
export interface FirstAdmin {
  email: string;
  oneTimePassword?: string;
}

export class UnauthenticatedError extends ApiError {
  constructor(message = 'log in first: send the session cookie or `Authorization: Bearer <accessToken>`') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class PasswordChangeRequiredError extends ApiError {
  constructor() {
    super(
      403,
      'password-change-required',
      'this account still has its generated one-time password: choose your own first with POST /api/auth/password { currentPassword, newPassword }',
    );
  }
}

interface SessionRow {
  user_id: string;
  email: string;
  instance_admin: boolean;
  must_change_password: boolean;
  session_workspace_id: string | null;
  expires_at: Date;
}

/**
 * Logging in and out, sessions and the workspace each works in, and one's
 * own password. (Admins manage users in UsersService, workspaces and their
 * members in WorkspacesService.)
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Checks a password; answers a new session token (the cookie's value and the bearer token are the same),
   * working in the user's first workspace.
   */
  async login(
    email: string,
    password: string,
  ): Promise<{ accessToken: string; user: Caller; workspaces: WorkspaceAccess[]; expiresAt: Date }> {
    const user = await this.db
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('lower(user.email) = lower(:email)', { email: email.trim() })
      .getOne();
    // A missing user still costs a hash, so timing does not tell which emails exist.
    const valid = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await this.decoyHash());
    if (!user || !valid) throw new UnauthenticatedError('wrong email or password');
    if (user.disabledAt) {
      throw new ApiError(403, 'account-disabled', `${user.email} is disabled: an admin of its workspace can enable it`);
    }
    const caller = await this.callerFor(user, null, this.db.manager);
    if (!caller) {
      throw new ApiError(
        403,
        'no-workspace',
        `${user.email} belongs to no workspace: ask an admin to add it to one (Members in the studio)`,
      );
    }
    const accessToken = newSecret('pws');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await this.db
      .getRepository(SessionEntity)
      .insert({ tokenHash: hashSecret(accessToken), userId: user.id, workspaceId: caller.workspaceId, expiresAt });
    return { accessToken, user: caller, workspaces: await this.workspacesOf(caller), expiresAt };
  }

  /** The device token a browser that logged in to `email` holds (see device-cookie.ts); undefined for no account. */
  async deviceTokenOf(email: string): Promise<string | undefined> {
    const user = await this.db
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('lower(user.email) = lower(:email)', { email: email.trim() })
      .getOne();
    return user && !user.disabledAt ? deviceToken(user.email, user.passwordHash) : undefined;
  }

  /** Ends the session; its Socket.IO connections are closed on every server instance. */
  async logout(token: string): Promise<void> {
    const tokenHash = hashSecret(token);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(SessionEntity).delete({ tokenHash });
      await announce(tx, { tokenHash });
    });
  }

  /** The caller a session token belongs to, or undefined for an unknown, expired or disabled one. */
  async authenticate(token: string): Promise<Caller | undefined> {
    return (await this.session(token))?.caller;
  }

  async session(token: string): Promise<Session | undefined> {
    return this.sessionByHash(hashSecret(token));
  }

  /** A user's email and role in a workspace; undefined when they are not (or no longer) in it. */
  async member(userId: string, workspaceId: string): Promise<{ email: string; role: Role } | undefined> {
    if (!isUuid(userId) || !isUuid(workspaceId)) return undefined;
    const role = await this.roleIn(userId, workspaceId);
    const user = role ? await this.db.getRepository(UserEntity).findOneBy({ id: userId }) : null;
    return role && user ? { email: user.email, role } : undefined;
  }

  /** The live session stored under `tokenHash`, as it acts now (its workspace and role re-read). */
  async sessionByHash(tokenHash: string): Promise<Session | undefined> {
    const [row] = (await this.db.query(
      `SELECT u.id AS user_id, u.email, u.instance_admin, u.must_change_password,
              s.workspace_id AS session_workspace_id, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [tokenHash],
    )) as SessionRow[];
    if (!row) return undefined;
    const caller = await this.callerFor(
      {
        id: row.user_id,
        email: row.email,
        instanceAdmin: row.instance_admin,
        mustChangePassword: row.must_change_password,
      },
      row.session_workspace_id,
      this.db.manager,
    );
    return caller ? { caller, tokenHash, expiresAt: row.expires_at } : undefined;
  }

  /** The workspaces `caller` may switch to: its memberships, or every workspace for an instance admin. */
  async workspacesOf(caller: Pick<Caller, 'id' | 'instanceAdmin'>): Promise<WorkspaceAccess[]> {
    const rows = (await (caller.instanceAdmin
      ? this.db.query(`SELECT w.id, w.name, 'admin' AS role FROM workspaces w ORDER BY w.created_at, w.id`)
      : this.db.query(
          `SELECT w.id, w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.user_id = $1 ORDER BY m.created_at, w.id`,
          [caller.id],
        ))) as WorkspaceAccess[];
    return rows;
  }

  /**
   * Makes `workspaceId` the session's current workspace. One the caller does not belong to answers as an
   * unknown one. The session's Socket.IO connections then drop their subscriptions to the old workspace's runs.
   */
  async switchWorkspace(session: Session, workspaceId: string): Promise<Caller> {
    const allowed = (await this.workspacesOf(session.caller)).some((workspace) => workspace.id === workspaceId);
    if (!isUuid(workspaceId) || !allowed) throw new NotFoundError('workspace', workspaceId);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(SessionEntity).update({ tokenHash: session.tokenHash }, { workspaceId });
      await announce(tx, { tokenHash: session.tokenHash });
    });
    const switched = await this.sessionByHash(session.tokenHash);
    if (!switched) throw new UnauthenticatedError('the session ended');
    return switched.caller;
  }

  /**
   * The workspaces whose users, members and audit events `caller` manages: those it is an admin of, or
   * 'all' (every workspace, and what concerns the instance) for an instance admin.
   */
  async administeredWorkspaces(caller: Pick<Caller, 'id' | 'instanceAdmin'>): Promise<string[] | 'all'> {
    if (caller.instanceAdmin) return 'all';
    const rows = (await this.db.query(`SELECT workspace_id FROM memberships WHERE user_id = $1 AND role = 'admin'`, [
      caller.id,
    ])) as { workspace_id: string }[];
    return rows.map((row) => row.workspace_id);
  }

  /** A user's role in a workspace (admin for an instance admin), or undefined when it has none there. */
  async roleIn(userId: string, workspaceId: string): Promise<Role | undefined> {
    const [row] = (await this.db.query(
      `SELECT CASE WHEN u.instance_admin THEN 'admin' ELSE m.role END AS role
         FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.workspace_id = $2
        WHERE u.id = $1 AND u.disabled_at IS NULL`,
      [userId, workspaceId],
    )) as { role: Role | null }[];
    return row?.role ?? undefined;
  }

  /** Changes one's own password; the user's other sessions end (this one, `keepTokenHash`, goes on). */
  async changePassword(
    caller: Caller,
    keepTokenHash: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const user = await this.db.getRepository(UserEntity).findOneOrFail({ where: { id: caller.id } });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new ForbiddenError('the current password is wrong');
    }
    if (newPassword === currentPassword) {
      throw new BadRequestError('the new password must differ from the current one', { param: 'newPassword' });
    }
    const problem = passwordProblem(newPassword, user.email);
    if (problem) throw new BadRequestError(`newPassword: ${problem}`, { param: 'newPassword' });
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(UserEntity).update(user.id, { passwordHash, mustChangePassword: false });
      await endSessions(tx, user.id, keepTokenHash);
      await this.audit.record(
        {
          actor: caller,
          action: 'user.password-changed',
          workspaceId: caller.workspaceId,
          object: { type: 'user', id: user.id },
        },
        tx,
      );
    });
  }

  /**
   * On the server's first start (no user yet), the first admin — an instance admin, and admin of the
   * default workspace: from PIPEWRIGHT_ADMIN_EMAIL / PIPEWRIGHT_ADMIN_PASSWORD, or with a generated
   * password that the caller prints once and that must be changed at the first login. Later starts
   * create nobody, except that a configured admin email that has no account yet gets one.
   */
  async ensureFirstAdmin(): Promise<FirstAdmin | undefined> {
    const configured = this.settings.admin;
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:first-admin'))`);
      const users = manager.getRepository(UserEntity);
      const email = configured?.email ?? 'admin@localhost';
      const exists = await users
        .createQueryBuilder('user')
        .where('lower(user.email) = lower(:email)', { email })
        .getExists();
      if (exists) return undefined;
      if (!configured?.email && (await users.count()) > 0) return undefined;
      const oneTimePassword = configured?.password ? undefined : generatePassword();
      const password = configured?.password ?? oneTimePassword!;
      const admin = await users.save(
        users.create({
          email,
          passwordHash: await hashPassword(password),
          instanceAdmin: true,
          mustChangePassword: oneTimePassword !== undefined,
        }),
      );
      await manager
        .getRepository(MembershipEntity)
        .insert({ userId: admin.id, workspaceId: DEFAULT_WORKSPACE_ID, role: 'admin' });
      await this.audit.record(
        {
          actor: { system: 'first start' },
          action: 'user.created',
          workspaceId: DEFAULT_WORKSPACE_ID,
          object: { type: 'user', id: admin.id },
          details: { email, role: 'admin', instanceAdmin: true },
        },
        manager,
      );
      return { email, ...(oneTimePassword ? { oneTimePassword } : {}) };
    });
  }

  /**
   * The caller a user acts as in `preferred` (the session's workspace) — or, when it no longer belongs
   * there, in its first workspace; undefined when it belongs to none.
   */
  private async callerFor(
    user: Pick<UserEntity, 'id' | 'email' | 'instanceAdmin' | 'mustChangePassword'>,
    preferred: string | null,
    manager: EntityManager,
  ): Promise<Caller | undefined> {
    const memberships = (await manager.query(
      `SELECT workspace_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at, workspace_id`,
      [user.id],
    )) as { workspace_id: string; role: Role }[];
    let current = memberships.find((m) => m.workspace_id === preferred) ?? null;
    if (!current && preferred && user.instanceAdmin) current = { workspace_id: preferred, role: 'admin' };
    current ??= memberships[0] ?? null;
    if (!current && user.instanceAdmin) {
      const [first] = (await manager.query(`SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1`)) as {
        id: string;
      }[];
      if (first) current = { workspace_id: first.id, role: 'admin' };
    }
    if (!current) return undefined;
    return {
      id: user.id,
      email: user.email,
      role: user.instanceAdmin ? 'admin' : current.role,
      workspaceId: current.workspace_id,
      mustChangePassword: user.mustChangePassword,
      instanceAdmin: user.instanceAdmin,
    };
  }

  private decoy: Promise<string> | undefined;
  private decoyHash(): Promise<string> {
    return (this.decoy ??= hashPassword(generatePassword()));
  }
}

/** Tells every server instance (in `tx`, so only once it commits) that a session or a user's sessions changed. */
export async function announce(tx: EntityManager, change: AccountChange): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [ACCOUNTS_CHANNEL, JSON.stringify(change)]);
}

/** Ends a user's sessions (but `keepTokenHash`), and closes their Socket.IO connections everywhere. */
export async function endSessions(tx: EntityManager, userId: string, keepTokenHash?: string): Promise<void> {
  await tx.query(`DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2`, [
    userId,
    keepTokenHash ?? null,
  ]);
  await announce(tx, { userId });
}
