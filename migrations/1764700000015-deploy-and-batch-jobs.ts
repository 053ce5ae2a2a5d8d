import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto-deploys and batch scorings become pg-boss jobs, taken by any worker:
 * - A run keeps the public key of whoever started it (`key_recipient`), and a deployment its deploy job creates
 *   leaves its first API key in `deployment_key_reveals`, encrypted to that key, until they fetch it once.
 * - A batch job is accepted before a worker takes it: `heartbeat_at` stays empty until then, so a job waiting in
 *   the queue is not taken for one whose worker died.
 */
export class DeployAndBatchJobs1764700000015 implements MigrationInterface {
  name = 'DeployAndBatchJobs1764700000015';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE runs ADD COLUMN key_recipient jsonb`);
    await db.query(`
      CREATE TABLE deployment_key_reveals (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        node_id text NOT NULL,
        deployment_name text NOT NULL,
        ciphertext text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, node_id)
      )`);
    await db.query(
      `ALTER TABLE batch_jobs ALTER COLUMN heartbeat_at DROP NOT NULL, ALTER COLUMN heartbeat_at DROP DEFAULT`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE batch_jobs SET heartbeat_at = started_at WHERE heartbeat_at IS NULL`);
    await db.query(
      `ALTER TABLE batch_jobs ALTER COLUMN heartbeat_at SET DEFAULT now(), ALTER COLUMN heartbeat_at SET NOT NULL`,
    );
    await db.query(`DROP TABLE deployment_key_reveals`);
    await db.query(`ALTER TABLE runs DROP COLUMN key_recipient`);
  }
}
