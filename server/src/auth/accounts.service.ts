import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from './default-workspace.js';
import { ApiError, BadRequestError, ConflictError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { AuditLog } from '../audit/audit-log.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hashing.js';
import type { Caller, Role } from './roles.js';
import { hashSecret, newSecret } from './tokens.js';
import { SessionEntity, UserEntity, WorkspaceEntity } from './user.entity.js';

export const SESSION_DAYS = 14;
export const MIN_PASSWORD_LENGTH = 8;

/** An account as the API shows it: who it is (the Caller it acts as) and since when. */
export interface UserSummary extends Caller {
  createdAt: string;
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: string;
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

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly audit: AuditLog,
  ) {}

  /** The workspaces whose users and audit events an admin may see ('all': every one, and instance-wide events). */
  async administeredWorkspaces(caller: Caller): Promise<string[] | 'all'> {
    return caller.role === 'admin' ? 'all' : [];
  }

  /** Checks a password; answers a new session token (the cookie's value and the bearer token are the same). */
  async login(email: string, password: string): Promise<{ accessToken: string; user: UserSummary; expiresAt: Date }> {
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
    const accessToken = newSecret('pws');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await this.db
      .getRepository(SessionEntity)
      .insert({ tokenHash: hashSecret(accessToken), userId: user.id, expiresAt });
    return { accessToken, user: summary(user), expiresAt };
  }

  async logout(token: string): Promise<void> {
    await this.db.getRepository(SessionEntity).delete({ tokenHash: hashSecret(token) });
  }

  /** The caller a session token belongs to, or undefined for an unknown or expired one. */
  async authenticate(token: string): Promise<Caller | undefined> {
    const session = await this.db
      .getRepository(SessionEntity)
      .findOne({ where: { tokenHash: hashSecret(token), expiresAt: MoreThan(new Date()) } });
    if (!session) return undefined;
    const user = await this.db.getRepository(UserEntity).findOne({ where: { id: session.userId } });
    return user ? callerOf(user) : undefined;
  }

  /** A user's email and role in a workspace; undefined when they are not (or no longer) in it. */
  async member(userId: string, workspaceId: string): Promise<{ email: string; role: Role } | undefined> {
    const user = isUuid(userId) ? await this.db.getRepository(UserEntity).findOneBy({ id: userId }) : null;
    return user && user.workspaceId === workspaceId ? { email: user.email, role: user.role } : undefined;
  }

  async listUsers(): Promise<UserSummary[]> {
    const users = await this.db.getRepository(UserEntity).find({ order: { createdAt: 'ASC' } });
    return users.map(summary);
  }

  async listWorkspaces(): Promise<WorkspaceSummary[]> {
    const workspaces = await this.db.getRepository(WorkspaceEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return workspaces.map(workspaceSummary);
  }

  async createWorkspace(caller: Caller, name: string): Promise<WorkspaceSummary> {
    return this.db.transaction(async (tx) => {
      const repository = tx.getRepository(WorkspaceEntity);
      const taken = await repository
        .createQueryBuilder('workspace')
        .where('lower(workspace.name) = lower(:name)', { name })
        .getExists();
      if (taken) throw new ConflictError('workspace-exists', `a workspace named "${name}" already exists`);
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
      return workspaceSummary(workspace);
    });
  }

  async createUser(
    caller: Caller,
    email: string,
    password: string,
    role: Role,
    workspaceId = DEFAULT_WORKSPACE_ID,
  ): Promise<UserSummary> {
    const workspace =
      isUuid(workspaceId) && (await this.db.getRepository(WorkspaceEntity).existsBy({ id: workspaceId }));
    if (!workspace) {
      throw new BadRequestError(`workspace "${workspaceId}" does not exist`, { param: 'workspaceId' });
    }
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const repository = tx.getRepository(UserEntity);
      const taken = await repository
        .createQueryBuilder('user')
        .where('lower(user.email) = lower(:email)', { email: email.trim() })
        .getExists();
      if (taken) throw new ConflictError('user-exists', `a user with email "${email}" already exists`);
      const user = await repository.save(repository.create({ email: email.trim(), passwordHash, role, workspaceId }));
      await this.audit.record(
        {
          actor: caller,
          action: 'user.created',
          workspaceId,
          object: { type: 'user', id: user.id },
          details: { email: user.email, role },
        },
        tx,
      );
      return summary(user);
    });
  }

  async changePassword(caller: Caller, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.db.getRepository(UserEntity).findOneOrFail({ where: { id: caller.id } });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new ForbiddenError('the current password is wrong');
    }
    if (newPassword === currentPassword) {
      throw new BadRequestError('the new password must differ from the current one', { param: 'newPassword' });
    }
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(UserEntity).update(user.id, { passwordHash, mustChangePassword: false });
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
   * On the server's first start (no user yet), the first admin: from
   * PIPEWRIGHT_ADMIN_EMAIL / PIPEWRIGHT_ADMIN_PASSWORD, or with a generated
   * password that the caller prints once and that must be changed at the
   * first login. Later starts create nobody, except
   * that a configured admin email that has no account yet gets one.
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
          role: 'admin',
          workspaceId: DEFAULT_WORKSPACE_ID,
          mustChangePassword: oneTimePassword !== undefined,
        }),
      );
      await this.audit.record(
        {
          actor: { system: 'first start' },
          action: 'user.created',
          workspaceId: DEFAULT_WORKSPACE_ID,
          object: { type: 'user', id: admin.id },
          details: { email, role: 'admin' },
        },
        manager,
      );
      return { email, ...(oneTimePassword ? { oneTimePassword } : {}) };
    });
  }

  private decoy: Promise<string> | undefined;
  private decoyHash(): Promise<string> {
    return (this.decoy ??= hashPassword(generatePassword()));
  }
}

function callerOf(user: UserEntity): Caller {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    workspaceId: user.workspaceId,
    mustChangePassword: user.mustChangePassword,
  };
}

function summary(user: UserEntity): UserSummary {
  return { ...callerOf(user), createdAt: user.createdAt.toISOString() };
}

function workspaceSummary(workspace: WorkspaceEntity): WorkspaceSummary {
  return { id: workspace.id, name: workspace.name, createdAt: workspace.createdAt.toISOString() };
}
