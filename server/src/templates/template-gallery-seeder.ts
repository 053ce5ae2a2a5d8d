import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { packageRoot } from '../config/settings.js';
import { TemplatesService } from './templates.service.js';

/**
 * On every server start, brings the gallery up to date with the template
 * files shipped in `templates/`: a new file adds a template, a changed one a
 * version, an unchanged one nothing (so several servers starting at once, or
 * restarts, add nothing twice).
 */
@Injectable()
export class TemplateGallerySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Templates');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly templates: TemplatesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = join(packageRoot, 'templates');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pipewright:seed-templates'))`);
      for (const name of names) {
        try {
          const document = this.templates.check(JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown);
          await this.templates.keep(document, null, null, tx);
        } catch (error) {
          this.logger.warn(`skipped the template ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  }
}
