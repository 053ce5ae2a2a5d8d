import type { PromotionDecision } from '@pipewright/nodes';
import type { HandPromotion, VersionTrigger } from '@pipewright/nodes/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ServingBundle } from '../predict/serving-bundle.js';

// What made a version, and an admin's promotion by hand: stored as the API answers them (the contract's shapes).
export type { HandPromotion, VersionTrigger };

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

  @Column('jsonb', { nullable: true })
  trigger: VersionTrigger | null;

  /** The scalar figures of this model's evaluation in its run (accuracy, f1, …; r2, rmse, …). */
  @Column('jsonb', { nullable: true })
  metrics: Record<string, number> | null;

  @Column('jsonb', { nullable: true })
  decision: PromotionDecision | null;

  @Column('jsonb', { name: 'hand_promotion', nullable: true })
  handPromotion: HandPromotion | null;

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
