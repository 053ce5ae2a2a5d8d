import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from './1764200000000-create-accounts.js';

/**
 * Datasets belong to a workspace as pipelines and runs do (those uploaded
 * before go to the default one), and workspace names are unique so that an
 * admin can tell them apart.
 */
export class AddDatasetWorkspaces1764400000000 implements MigrationInterface {
  name = 'AddDatasetWorkspaces1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE datasets ADD COLUMN workspace_id uuid NOT NULL DEFAULT '${DEFAULT_WORKSPACE_ID}' REFERENCES workspaces (id)`,
    );
    await db.query(`CREATE INDEX datasets_workspace ON datasets (workspace_id, created_at DESC)`);
    await db.query(`CREATE INDEX runs_workspace ON runs (workspace_id)`);
    await db.query(`CREATE UNIQUE INDEX workspaces_name ON workspaces (lower(name))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX workspaces_name`);
    await db.query(`DROP INDEX runs_workspace`);
    await db.query(`ALTER TABLE datasets DROP COLUMN workspace_id`);
  }
}
