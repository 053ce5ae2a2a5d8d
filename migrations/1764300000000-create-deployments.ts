import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployments: a named prediction service, its versions (each a frozen
 * serving bundle taken from a run's trained model), its API keys (stored as
 * hashes), and the canary comparisons logged while two versions share traffic.
 */
export class CreateDeployments1764300000000 implements MigrationInterface {
  name = 'CreateDeployments1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        active_version integer NOT NULL,
        canary_version integer,
        canary_share real NOT NULL DEFAULT 0 CHECK (canary_share >= 0 AND canary_share <= 1),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE deployment_versions (
        deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        version integer NOT NULL,
        run_id uuid REFERENCES runs (id) ON DELETE SET NULL,
        node_id text NOT NULL,
        bundle jsonb NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (deployment_id, version)
      )`);
    // A run's model is deployed once per deployment, however many times its success is noticed.
    await db.query(
      `CREATE UNIQUE INDEX deployment_versions_source ON deployment_versions (deployment_id, run_id, node_id) WHERE run_id IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE deployment_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        rate_limit_per_second integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE deployment_comparisons (
        id bigserial PRIMARY KEY,
        deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        served_version integer NOT NULL,
        other_version integer NOT NULL,
        rows integer NOT NULL,
        agreeing_rows integer NOT NULL,
        served jsonb NOT NULL,
        other jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX deployment_comparisons_recent ON deployment_comparisons (deployment_id, created_at DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deployment_comparisons`);
    await db.query(`DROP TABLE deployment_keys`);
    await db.query(`DROP TABLE deployment_versions`);
    await db.query(`DROP TABLE deployments`);
  }
}
