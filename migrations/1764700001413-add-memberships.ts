import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user belongs to several workspaces with a role in each (memberships),
 * and may be an instance admin (creates workspaces, acts in all of them). A
 * session remembers the workspace it works in. Accounts can be disabled.
 *
 * Each user's one workspace and role become their first membership; the
 * first admin (the oldest) becomes the instance admin. The other admins keep
 * admin rights in their own workspace only — before, every admin could act
 * in every workspace, which is what this change ends.
 */
export class AddMemberships1764700001413 implements MigrationInterface {
  name = 'AddMemberships1764700001413';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE memberships (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, workspace_id)
      )`);
    await db.query(`CREATE INDEX memberships_workspace ON memberships (workspace_id, role)`);
    await db.query(
      `INSERT INTO memberships (user_id, workspace_id, role, created_at) SELECT id, workspace_id, role, created_at FROM users`,
    );

    await db.query(`ALTER TABLE users ADD COLUMN instance_admin boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
    await db.query(`
      UPDATE users SET instance_admin = true
       WHERE id = (SELECT id FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1)`);

    await db.query(`ALTER TABLE sessions ADD COLUMN workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL`);
    await db.query(`UPDATE sessions s SET workspace_id = u.workspace_id FROM users u WHERE u.id = s.user_id`);
    await db.query(`CREATE INDEX sessions_user ON sessions (user_id)`);

    await db.query(`ALTER TABLE users DROP COLUMN role`);
    await db.query(`ALTER TABLE users DROP COLUMN workspace_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN role text`);
    await db.query(`ALTER TABLE users ADD COLUMN workspace_id uuid REFERENCES workspaces (id)`);
    await db.query(`
      UPDATE users u SET role = m.role, workspace_id = m.workspace_id
        FROM (SELECT DISTINCT ON (user_id) user_id, role, workspace_id FROM memberships ORDER BY user_id, created_at) m
       WHERE m.user_id = u.id`);
    await db.query(`UPDATE users SET role = 'admin' WHERE instance_admin AND role IS NULL`);
    await db.query(
      `UPDATE users SET workspace_id = '00000000-0000-4000-8000-000000000001', role = coalesce(role, 'viewer') WHERE workspace_id IS NULL`,
    );
    await db.query(`ALTER TABLE users ALTER COLUMN role SET NOT NULL`);
    await db.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'editor', 'viewer'))`);
    await db.query(`ALTER TABLE users ALTER COLUMN workspace_id SET NOT NULL`);
    await db.query(`DROP INDEX sessions_user`);
    await db.query(`ALTER TABLE sessions DROP COLUMN workspace_id`);
    await db.query(`ALTER TABLE users DROP COLUMN disabled_at`);
    await db.query(`ALTER TABLE users DROP COLUMN instance_admin`);
    await db.query(`DROP TABLE memberships`);
  }
}
