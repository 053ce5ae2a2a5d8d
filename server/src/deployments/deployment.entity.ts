import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ServingBundle } from '../predict/serving-bundle.js';

@Entity('deployments')
export class DeploymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('integer', { name: 'active_version' })
  activeVersion: number;

  @Column('integer', { name: 'canary_version', nullable: true })
  canaryVersion: number | null;

  @Column('real', { name: 'canary_share' })
  canaryShare: number;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

@Entity('deployment_versions')
export class DeploymentVersionEntity {
  @PrimaryColumn('uuid', { name: 'deployment_id' })
  deploymentId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('text', { name: 'node_id' })
  nodeId: string;

  @Column('jsonb')
  bundle: ServingBundle;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

@Entity('deployment_keys')
export class DeploymentKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'deployment_id' })
  deploymentId: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'key_hash' })
  keyHash: string;

  /** The key's first characters, so a person can tell keys apart; the rest is never stored. */
  @Column('text')
  prefix: string;

  @Column('integer', { name: 'rate_limit_per_second' })
  rateLimitPerSecond: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
