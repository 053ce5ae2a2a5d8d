import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates: a pipeline with declared parameters, saved as versions (each
 * version the data-only template document, as exported). The gallery's
 * templates belong to no workspace (every workspace sees them); a saved one
 * belongs to its workspace. A pipeline made from a template remembers which
 * version.
 */
export class CreateTemplates1764700002414 implements MigrationInterface {
  name = 'CreateTemplates1764700002414';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid REFERENCES workspaces (id),
        name text NOT NULL,
        gallery boolean NOT NULL DEFAULT false,
        current_version integer NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (gallery = (workspace_id IS NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX templates_gallery_name ON templates (lower(name)) WHERE workspace_id IS NULL`);
    await db.query(
      `CREATE UNIQUE INDEX templates_workspace_name ON templates (workspace_id, lower(name)) WHERE workspace_id IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE template_versions (
        template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
        version integer NOT NULL,
        document jsonb NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (template_id, version)
      )`);
    await db.query(`
      ALTER TABLE pipelines
        ADD COLUMN template_id uuid REFERENCES templates (id) ON DELETE SET NULL,
        ADD COLUMN template_version integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE pipelines DROP COLUMN template_version, DROP COLUMN template_id`);
    await db.query(`DROP TABLE template_versions`);
    await db.query(`DROP TABLE templates`);
  }
}
