import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { NodeFailure, Plan, PortValue, RunStatus, RunTrigger, Status } from '@pipewright/nodes';
import type { KeyRecipient } from '../auth/key-reveal.js';

/** One run of a plan. A CLI run keeps its plan here and has no stored pipeline. */
@Entity('runs')
export class RunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId: string | null;

  @Column('integer', { nullable: true })
  version: number | null;

  @Column('text')
  name: string;

  @Column('text')
  origin: 'api' | 'cli';

  /** The workspace of its pipeline (the default one for a CLI run): only its users reach the run. */
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  /** Who started it from the API; null for a CLI run. */
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  /**
   * The public key (RSA-OAEP) of whoever started the run, held only by that browser tab or CLI process:
   * the API key of a deployment this run creates is encrypted to it, so only they ever read it.
   */
  @Column('jsonb', { name: 'key_recipient', nullable: true })
  keyRecipient: KeyRecipient | null;

  @Column('jsonb')
  params: Record<string, unknown>;

  /** What started it; null for runs made before triggers were recorded (see `origin` and `createdBy`). */
  @Column('jsonb', { nullable: true })
  trigger: RunTrigger | null;

  /** The schedule that started it, if one did. */
  @Column('uuid', { name: 'schedule_id', nullable: true })
  scheduleId: string | null;

  @Column('jsonb')
  plan: Plan;

  /** Directories this run may read besides the worker's own (a CLI run's file directory). */
  @Column('jsonb', { name: 'data_dirs' })
  dataDirs: string[];

  @Column('text')
  status: RunStatus;

  @Column('integer', { name: 'last_seq' })
  lastSeq: number;

  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}

/** A node of a run: its status, and once done its outputs (which downstream nodes read). */
@Entity('run_nodes')
export class RunNodeEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId: string;

  @PrimaryColumn('text', { name: 'node_id' })
  nodeId: string;

  @Column('text')
  type: string;

  @Column('text')
  status: Status;

  /** The queue its job went to; null until it is ready to run. */
  @Column('text', { nullable: true })
  queue: string | null;

  @Column('uuid', { name: 'job_id', nullable: true })
  jobId: string | null;

  /** How many times a worker started it (more than once after a worker was lost). */
  @Column('integer')
  attempts: number;

  @Column('boolean')
  cached: boolean;

  @Column('text', { name: 'cache_key', nullable: true })
  cacheKey: string | null;

  @Column('real')
  progress: number;

  @Column('integer', { name: 'duration_ms', nullable: true })
  durationMs: number | null;

  @Column('jsonb', { nullable: true })
  outputs: Record<string, PortValue> | null;

  @Column('jsonb', { nullable: true })
  metrics: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  error: NodeFailure | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
