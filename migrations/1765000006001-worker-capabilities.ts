import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the Workers page shows of each worker besides its backend: its GPU as
 * the backend found it (vendor, driver, memory), its CPU cores and the jobs it
 * is running now. And the server instances on this database, each
 * heartbeating, so that limits meant for the whole service (an API key's
 * requests a second) are split between the instances alive.
 */
export class WorkerCapabilities1765000006001 implements MigrationInterface {
  name = 'WorkerCapabilities1765000006001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE workers
        ADD COLUMN gpu_info jsonb,
        ADD COLUMN cores integer NOT NULL DEFAULT 1,
        ADD COLUMN running_jobs integer NOT NULL DEFAULT 0`);
    await db.query(`
      CREATE TABLE server_instances (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX server_instances_heartbeat ON server_instances (heartbeat_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE server_instances`);
    await db.query(`ALTER TABLE workers DROP COLUMN gpu_info, DROP COLUMN cores, DROP COLUMN running_jobs`);
  }
}
