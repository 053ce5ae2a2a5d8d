import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from './roles.js';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  /** Creates workspaces and is admin in every one; its role in a workspace is then always admin. */
  @Column('boolean', { name: 'instance_admin', default: false })
  instanceAdmin: boolean;

  /** Set for a generated password: the account must choose its own before anything else. */
  @Column('boolean', { name: 'must_change_password', default: false })
  mustChangePassword: boolean;

  /** When an admin disabled the account: it can no longer log in, and its sessions are gone. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

/** What every pipeline, run, dataset and deployment belongs to; users work in it through memberships. */
@Entity('workspaces')
export class WorkspaceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

/** A user's role in one workspace. */
@Entity('memberships')
export class MembershipEntity {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text')
  role: Role;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

/** A login: the token itself is only ever in the client's hands; here is its hash. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** The workspace the session works in (switched with POST /api/auth/workspace); null: the user's first. */
  @Column('uuid', { name: 'workspace_id', nullable: true })
  workspaceId: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;
}
