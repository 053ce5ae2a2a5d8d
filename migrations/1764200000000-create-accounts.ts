import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The workspace every object made before accounts existed belongs to, and the first admin's. */
export const DEFAULT_WORKSPACE_ID = '00000000-0000-4000-8000-000000000001';

/**
 * Accounts: workspaces, users (scrypt password hashes), login sessions
 * (stored as hashes of their tokens), and the workspace that owns each
 * pipeline and run (who started a run too, for deploying from it).
 */
export class CreateAccounts1764200000000 implements MigrationInterface {
  name = 'CreateAccounts1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workspaces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Default')`, [DEFAULT_WORKSPACE_ID]);

    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email ON users (lower(email))`);

    await db.query(`
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX sessions_expires_at ON sessions (expires_at)`);

    for (const table of ['pipelines', 'runs']) {
      await db.query(
        `ALTER TABLE ${table} ADD COLUMN workspace_id uuid NOT NULL DEFAULT '${DEFAULT_WORKSPACE_ID}' REFERENCES workspaces (id)`,
      );
    }
    await db.query(`ALTER TABLE runs ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL`);
    await db.query(
      `CREATE INDEX pipelines_workspace ON pipelines (workspace_id, updated_at DESC) WHERE deleted_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE runs DROP COLUMN created_by`);
    await db.query(`ALTER TABLE runs DROP COLUMN workspace_id`);
    await db.query(`ALTER TABLE pipelines DROP COLUMN workspace_id`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE workspaces`);
  }
}
