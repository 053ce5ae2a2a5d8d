import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch scoring jobs: a deployment's active version scoring a whole dataset.
 * The record lives here rather than in the memory of the server that runs
 * the job, so that every server instance can answer for it and a restart
 * forgets nothing. `heartbeat_at` is refreshed while the job's process is
 * alive: a running job whose heartbeat is stale lost its process.
 */
export class CreateBatchJobs1764600000000 implements MigrationInterface {
  name = 'CreateBatchJobs1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE batch_jobs (
        id uuid PRIMARY KEY,
        deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        deployment_name text NOT NULL,
        version integer NOT NULL,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        input text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
        rows_done bigint NOT NULL DEFAULT 0,
        rows_total bigint,
        output jsonb,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX batch_jobs_deployment ON batch_jobs (deployment_id, id)`);
    // The sweep for jobs whose process is gone reads only the running ones.
    await db.query(`CREATE INDEX batch_jobs_running ON batch_jobs (heartbeat_at) WHERE status = 'running'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE batch_jobs`);
  }
}
