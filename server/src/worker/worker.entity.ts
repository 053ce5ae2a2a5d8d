import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A worker process that is (or was lately) taking jobs; live while it heartbeats. */
@Entity('workers')
export class WorkerEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { array: true })
  queues: string[];

  /** The TensorFlow.js backend it loaded. */
  @Column('text')
  backend: string;

  @Column('text', { nullable: true })
  gpu: string | null;

  @Column('bigint', { name: 'memory_bytes', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  memoryBytes: number;

  @Column('integer')
  concurrency: number;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { name: 'heartbeat_at', default: () => 'now()' })
  heartbeatAt: Date;
}
