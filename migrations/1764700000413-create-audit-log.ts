import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: who did what to which object, in which workspace, when.
 * Append-only. The actor's email is copied in, so a row still says who acted
 * after the account is gone; an actor that is not a person (the CLI, a
 * schedule) has no user id and is named in `actor_name`.
 */
export class CreateAuditLog1764700000413 implements MigrationInterface {
  name = 'CreateAuditLog1764700000413';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
        object_type text NOT NULL,
        object_id text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_events_workspace ON audit_events (workspace_id, at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, at DESC)`);
    await db.query(`CREATE INDEX audit_events_object ON audit_events (object_type, object_id, at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
  }
}
