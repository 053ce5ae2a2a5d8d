import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunEventBody } from '@pipewright/nodes';

/** One event of a run, numbered from 1 without gaps (`runs.last_seq` hands the numbers out). */
@Entity('run_events')
export class RunEventEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId: string;

  @PrimaryColumn('integer')
  seq: number;

  @Column('text')
  type: string;

  @Column('text', { name: 'node_id', nullable: true })
  nodeId: string | null;

  @Column('jsonb')
  payload: RunEventBody;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
