import type { RunTrigger } from '@pipewright/nodes';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A pipeline's schedule: a cron expression in a time zone, or a dataset whose new versions start a run. */
@Entity('schedules')
export class ScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'pipeline_id' })
  pipelineId: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text', { nullable: true })
  cron: string | null;

  @Column('text')
  timezone: string;

  /** The dataset whose every new version starts a run. */
  @Column('text', { name: 'on_dataset', nullable: true })
  onDataset: string | null;

  /** Pipeline params for its runs, over the pipeline's own. */
  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('boolean')
  paused: boolean;

  /** Who made it: the runs it starts are theirs. */
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

export type FiringOutcome = 'started' | 'held' | 'failed';

/** One time a schedule fired: the run it started, or why it started none. */
@Entity('schedule_firings')
export class ScheduleFiringEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'schedule_id' })
  scheduleId: string;

  /** The occurrence (`cron:<job id>`, `dataset:<version id>`): unique per schedule, so it fires once. */
  @Column('text', { name: 'trigger_key' })
  triggerKey: string;

  @Column('jsonb')
  trigger: RunTrigger;

  @Column('text')
  outcome: FiringOutcome;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('timestamptz', { name: 'fired_at', default: () => 'now()' })
  firedAt: Date;
}
