import { Controller, Get, Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthAnswer, WorkerInfo } from '@pipewright/nodes/contracts';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.js';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database/database-connection.js';
import { WorkerRegistry } from '../worker/worker-registry.js';

/**
 * What a load balancer or an orchestrator needs to route to this server, and
 * nothing more: anyone may ask, so no data directory, port or database URL.
 * (The contract's shape.)
 */
export type { HealthAnswer };

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    private readonly workers: WorkerRegistry,
  ) {}

  /** Open to anyone: answers once the database answers. */
  @Public()
  @Get('health')
  async health(): Promise<HealthAnswer> {
    await this.db.query('SELECT 1');
    return { status: 'ok', database: { mode: this.connection.mode }, workers: await this.workers.liveCount() };
  }

  @Get('workers')
  async list(): Promise<{ items: WorkerInfo[]; total: number }> {
    const items = await this.workers.list();
    return { items, total: items.length };
  }
}
