import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.js';
import { DATABASE_CONNECTION, redactedUrl, type DatabaseConnection } from '../database/database-connection.js';
import { NodeWorker } from '../worker/node-worker.js';
import { WorkerRegistry, type WorkerInfo } from '../worker/worker-registry.js';

export interface HealthAnswer {
  status: 'ok';
  database: {
    mode: 'embedded' | 'external';
    url: string;
    dataDir?: string;
    port?: number;
  };
  workers: number;
  /** The TensorFlow.js backend of this process's worker, or null when it runs none. */
  tensorflow: { backend: string | null };
}

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    private readonly workers: WorkerRegistry,
    @Optional() private readonly worker?: NodeWorker,
  ) {}

  /** Open to anyone: answers once the database answers. */
  @Public()
  @Get('health')
  async health(): Promise<HealthAnswer> {
    await this.db.query('SELECT 1');
    return {
      status: 'ok',
      database: {
        mode: this.connection.mode,
        url: redactedUrl(this.connection.url),
        ...(this.connection.embedded
          ? { dataDir: this.connection.embedded.dataDir, port: this.connection.embedded.port }
          : {}),
      },
      workers: await this.workers.liveCount(),
      tensorflow: { backend: this.worker?.backend ?? null },
    };
  }

  @Get('workers')
  async list(): Promise<{ items: WorkerInfo[]; total: number }> {
    const items = await this.workers.list();
    return { items, total: items.length };
  }
}
