import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from '../auth/default-workspace.js';
import { packageRoot } from '../config/settings.js';
import { PipelinesService } from './pipelines.service.js';

/**
 * On a server's first start with an empty database, saves the example
 * pipelines (`examples/*.json`), in the default workspace, so a newcomer finds one ready to run. Only
 * once: deleting them later does not bring them back.
 */
@Injectable()
export class ExampleSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Pipelines');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipelines: PipelinesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = join(packageRoot, 'examples');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
    if (names.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:seed-examples'))`);
      const [{ count }] = (await tx.query(`SELECT count(*)::int AS count FROM pipelines`)) as { count: number }[];
      if (count > 0) return;
      for (const name of names) {
        try {
          const file: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
          const saved = await this.pipelines.create(file, DEFAULT_WORKSPACE_ID, tx);
          this.logger.log(`added the example pipeline "${saved.name}"`);
        } catch (error) {
          this.logger.warn(`skipped the example ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  }
}
