import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules of pipelines: a cron expression in a time zone (pg-boss keeps
 * the cron itself in its own schema), or "when dataset NAME gets a new
 * version". Each time one fires is a firing, unique per schedule and
 * occurrence: the same occurrence delivered twice (two servers, a retried
 * job) finds its firing there and starts nothing. Runs say what started
 * them (`trigger`), and which schedule.
 */
export class CreateSchedules1764700001414 implements MigrationInterface {
  name = 'CreateSchedules1764700001414';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        cron text,
        timezone text NOT NULL DEFAULT 'UTC',
        on_dataset text,
        params jsonb NOT NULL DEFAULT '{}',
        paused boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((cron IS NULL) <> (on_dataset IS NULL))
      )`);
    await db.query(`CREATE INDEX schedules_pipeline ON schedules (pipeline_id, created_at)`);
    await db.query(
      `CREATE INDEX schedules_dataset ON schedules (workspace_id, on_dataset) WHERE on_dataset IS NOT NULL`,
    );

    await db.query(`
      ALTER TABLE runs
        ADD COLUMN trigger jsonb,
        ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL`);
    await db.query(`CREATE INDEX runs_schedule ON runs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE schedule_firings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
        trigger_key text NOT NULL,
        trigger jsonb NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('started', 'held', 'failed')),
        reason text,
        run_id uuid REFERENCES runs (id) ON DELETE SET NULL,
        fired_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (schedule_id, trigger_key)
      )`);
    await db.query(`CREATE INDEX schedule_firings_recent ON schedule_firings (schedule_id, fired_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE schedule_firings`);
    await db.query(`ALTER TABLE runs DROP COLUMN schedule_id, DROP COLUMN trigger`);
    await db.query(`DROP TABLE schedules`);
  }
}
