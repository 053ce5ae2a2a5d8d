import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pipelines and their versions, runs with their nodes and event log, and registered workers. */
export class CreateCoreTables1764000000000 implements MigrationInterface {
  name = 'CreateCoreTables1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE pipelines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        current_version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`CREATE INDEX pipelines_updated_at ON pipelines (updated_at DESC) WHERE deleted_at IS NULL`);

    await db.query(`
      CREATE TABLE pipeline_versions (
        pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        file jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pipeline_id, version)
      )`);

    // A CLI run has no stored pipeline: pipeline_id and version are null and the plan is in the run.
    await db.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid,
        version integer,
        name text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('api', 'cli')),
        params jsonb NOT NULL DEFAULT '{}',
        plan jsonb NOT NULL,
        data_dirs jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        last_seq integer NOT NULL DEFAULT 0,
        cancel_requested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        FOREIGN KEY (pipeline_id, version) REFERENCES pipeline_versions (pipeline_id, version),
        CHECK ((pipeline_id IS NULL) = (version IS NULL))
      )`);
    await db.query(`CREATE INDEX runs_pipeline_created_at ON runs (pipeline_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE run_nodes (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        node_id text NOT NULL,
        type text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'cached')),
        queue text,
        job_id uuid,
        attempts integer NOT NULL DEFAULT 0,
        cached boolean NOT NULL DEFAULT false,
        cache_key text,
        progress real NOT NULL DEFAULT 0,
        duration_ms integer,
        outputs jsonb,
        metrics jsonb,
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (run_id, node_id)
      )`);

    await db.query(`
      CREATE TABLE run_events (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        type text NOT NULL,
        node_id text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, seq)
      )`);

    await db.query(`
      CREATE TABLE workers (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        queues text[] NOT NULL,
        backend text NOT NULL,
        gpu text,
        memory_bytes bigint NOT NULL,
        concurrency integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX workers_heartbeat_at ON workers (heartbeat_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE workers`);
    await db.query(`DROP TABLE run_events`);
    await db.query(`DROP TABLE run_nodes`);
    await db.query(`DROP TABLE runs`);
    await db.query(`DROP TABLE pipeline_versions`);
    await db.query(`DROP TABLE pipelines`);
  }
}
