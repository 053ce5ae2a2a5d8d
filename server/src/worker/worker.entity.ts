import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { GpuDevice } from '../runtime/webgpu-backend.js';

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

  /** The GPU's name, when the backend computes on one. */
  @Column('text', { nullable: true })
  gpu: string | null;

  /** The GPU as the backend found it: vendor, driver, memory. */
  @Column('jsonb', { name: 'gpu_info', nullable: true })
  gpuInfo: GpuDevice | null;

  @Column('integer')
  cores: number;

  /** Jobs it is running now, as of its last report. */
  @Column('integer', { name: 'running_jobs', default: 0 })
  runningJobs: number;

  @Column('bigint', { name: 'memory_bytes', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  memoryBytes: number;

  @Column('integer')
  concurrency: number;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { name: 'heartbeat_at', default: () => 'now()' })
  heartbeatAt: Date;
}
