import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Runs pending migrations on start. Several processes may start at once on
 * one database (a server and its workers): an advisory lock lets one migrate
 * while the others wait, then find nothing left to do.
 */
@Injectable()
export class SchemaMigrator implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext('pipewright:migrations'))`);
      try {
        const applied = await this.dataSource.runMigrations({ transaction: 'each' });
        for (const migration of applied) this.logger.log(`applied migration ${migration.name}`);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('pipewright:migrations'))`);
      }
    } finally {
      await runner.release();
    }
  }
}
