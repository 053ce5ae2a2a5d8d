import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/dist/index.js';
import { startServer, type RunningServer } from '../../server/dist/application.js';
import { hashPassword } from '../../server/dist/auth/password-hashing.js';
import { readSettings } from '../../server/dist/config/settings.js';
import { connectDatabase } from '../../server/dist/database/database-connection.js';
import { api, createTestEnvironment, logIn, type TestEnvironment } from './test-environment.js';

const DEFAULT_WORKSPACE = '00000000-0000-4000-8000-000000000001';
const TEAM = '00000000-0000-4000-8000-0000000000b0';

/** A database made before memberships: users with one workspace and role each, and a live session. */
describe('the memberships migration', () => {
  let environment: TestEnvironment;
  let running: RunningServer;
  let memberships: { email: string; workspace_id: string; role: string; instance_admin: boolean }[];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    const database = await connectDatabase({
      databaseUrl: environment.databaseUrl,
      home: environment.home,
      log: () => undefined,
    });
    const before = migrations.findIndex((m) => m.name === 'AddMemberships1764700001413');
    const run = async (list: typeof migrations, work: (db: DataSource) => Promise<void>) => {
      const db = new DataSource({ type: 'postgres', url: database.url, migrations: list });
      await db.initialize();
      try {
        await db.runMigrations({ transaction: 'each' });
        await work(db);
      } finally {
        await db.destroy();
      }
    };
    const hash = await hashPassword('old-password');
    await run(migrations.slice(0, before), async (db) => {
      await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Team')`, [TEAM]);
      const users: [string, string, string, string][] = [
        ['first@old.test', 'admin', DEFAULT_WORKSPACE, '2025-01-01'],
        ['second@old.test', 'admin', TEAM, '2025-02-01'],
        ['editor@old.test', 'editor', DEFAULT_WORKSPACE, '2025-03-01'],
        ['viewer@old.test', 'viewer', TEAM, '2025-04-01'],
      ];
      for (const [email, role, workspace, at] of users) {
        await db.query(
          `INSERT INTO users (email, password_hash, role, workspace_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
          [email, hash, role, workspace, at],
        );
      }
      await db.query(
        `INSERT INTO sessions (token_hash, user_id, expires_at)
         SELECT 'old-session', id, now() + interval '1 day' FROM users WHERE email = 'viewer@old.test'`,
      );
    });
    await run(migrations, async (db) => {
      memberships = await db.query(
        `SELECT u.email, m.workspace_id, m.role, u.instance_admin FROM users u JOIN memberships m ON m.user_id = u.id
          ORDER BY u.created_at`,
      );
      const [session] = (await db.query(`SELECT workspace_id FROM sessions WHERE token_hash = 'old-session'`)) as {
        workspace_id: string;
      }[];
      expect(session.workspace_id).toBe(TEAM);
    });
    await database.stop();
    const env: NodeJS.ProcessEnv = { ...environment.env, PORT: '0' };
    delete env.PIPEWRIGHT_ADMIN_EMAIL;
    delete env.PIPEWRIGHT_ADMIN_PASSWORD;
    running = await startServer({ settings: readSettings(env), worker: false, logger: ['error'], log: () => {} });
  });
  afterAll(async () => {
    await running?.close();
    await environment?.dispose();
  });

  it("makes each user's workspace and role a membership, and the first admin the instance admin", () => {
    expect(memberships).toEqual([
      { email: 'first@old.test', workspace_id: DEFAULT_WORKSPACE, role: 'admin', instance_admin: true },
      { email: 'second@old.test', workspace_id: TEAM, role: 'admin', instance_admin: false },
      { email: 'editor@old.test', workspace_id: DEFAULT_WORKSPACE, role: 'editor', instance_admin: false },
      { email: 'viewer@old.test', workspace_id: TEAM, role: 'viewer', instance_admin: false },
    ]);
  });

  it('leaves the other admins admins of their own workspace only', async () => {
    const server = { url: running.url };
    const second = { url: running.url, token: await logIn(server, 'second@old.test', 'old-password') };
    const me = await api<{ user: { role: string; workspaceId: string; instanceAdmin: boolean } }>(
      second,
      'GET',
      '/auth/me',
    );
    expect(me.body.user).toEqual(expect.objectContaining({ role: 'admin', workspaceId: TEAM, instanceAdmin: false }));
    expect((await api(second, 'POST', '/workspaces', { name: 'More' })).status).toBe(403);
    const users = await api<{ items: { email: string }[] }>(second, 'GET', '/users');
    expect(users.body.items.map((u) => u.email)).toEqual(['second@old.test', 'viewer@old.test']);

    const first = { url: running.url, token: await logIn(server, 'first@old.test', 'old-password') };
    expect((await api(first, 'POST', '/workspaces', { name: 'More' })).status).toBe(201);
    expect((await api<{ total: number }>(first, 'GET', '/users')).body.total).toBe(4);
  });
});
