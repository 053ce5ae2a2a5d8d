import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { WorkerInfo } from '@pipewright/nodes/contracts';
import { DataSource } from 'typeorm';
import type { GpuDevice } from '../runtime/webgpu-backend.js';
import { WorkerEntity } from './worker.entity.js';

/** A worker counts as live while its last heartbeat is this recent. */
export const LIVE_WITHIN_SECONDS = 30;
export const HEARTBEAT_MS = 5_000;

/** A registered worker as `GET /workers` answers it: the contract's. */
export type { WorkerInfo };

@Injectable()
export class WorkerRegistry {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async register(worker: Omit<WorkerEntity, 'startedAt' | 'heartbeatAt' | 'runningJobs'>): Promise<void> {
    await this.db.getRepository(WorkerEntity).insert(worker);
    // Workers that died without unregistering are forgotten after a day.
    await this.db.query(`DELETE FROM workers WHERE heartbeat_at < now() - interval '1 day'`);
  }

  /** The worker is alive and running `runningJobs` jobs. */
  async heartbeat(id: string, runningJobs: number): Promise<void> {
    await this.db.query(`UPDATE workers SET heartbeat_at = now(), running_jobs = $2 WHERE id = $1`, [id, runningJobs]);
  }

  async unregister(id: string): Promise<void> {
    await this.db.getRepository(WorkerEntity).delete({ id });
  }

  /** Live workers, and those heard from in the last ten minutes. */
  async list(): Promise<WorkerInfo[]> {
    const rows = (await this.db.query(
      `SELECT *, heartbeat_at > now() - make_interval(secs => $1) AS live
         FROM workers WHERE heartbeat_at > now() - interval '10 minutes'
        ORDER BY started_at`,
      [LIVE_WITHIN_SECONDS],
    )) as {
      id: string;
      name: string;
      queues: string[];
      backend: string;
      gpu: string | null;
      gpu_info: GpuDevice | null;
      cores: number;
      memory_bytes: string;
      concurrency: number;
      running_jobs: number;
      started_at: Date;
      heartbeat_at: Date;
      live: boolean;
    }[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      queues: row.queues,
      backend: row.backend,
      gpu: row.gpu,
      gpuInfo: row.gpu_info,
      cores: row.cores,
      memoryBytes: Number(row.memory_bytes),
      concurrency: row.concurrency,
      // A lost worker runs nothing: its jobs go back to the queue.
      runningJobs: row.live ? row.running_jobs : 0,
      startedAt: row.started_at.toISOString(),
      heartbeatAt: row.heartbeat_at.toISOString(),
      live: row.live,
    }));
  }

  async liveCount(): Promise<number> {
    const rows = (await this.db.query(
      `SELECT count(*)::int AS count FROM workers WHERE heartbeat_at > now() - make_interval(secs => $1)`,
      [LIVE_WITHIN_SECONDS],
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }
}
