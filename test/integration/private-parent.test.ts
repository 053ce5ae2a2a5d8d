import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built server, as `npm start` runs it.
import { startEmbeddedPostgres } from '../../server/dist/database/embedded-postgres.js';

const asRoot = process.getuid?.() === 0;

/**
 * `npm start` as root from a clone inside a mode-0700 directory (root's home): the embedded PostgreSQL runs
 * as the `postgres` user, which cannot walk into it (issue 17, item 9).
 */
describe.skipIf(!asRoot)('the embedded PostgreSQL under a directory private to root', () => {
  let parent: string;
  let reachableRoot: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pipewright-private-'));
    await chmod(parent, 0o700);
    // Stands in for /var/lib/pipewright, so the test leaves nothing behind there.
    reachableRoot = await mkdtemp(join(tmpdir(), 'pipewright-reachable-'));
    await chmod(reachableRoot, 0o755);
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
    await rm(reachableRoot, { recursive: true, force: true });
  });

  it('starts, keeping its data where the postgres user can reach it, and says where', async () => {
    const logged: string[] = [];
    const dataDir = join(parent, 'clone', '.pipewright', 'pg');
    const server = await startEmbeddedPostgres({ dataDir, reachableRoot, log: (line) => logged.push(line) });
    try {
      expect(server.dataDir.startsWith(reachableRoot)).toBe(true);
      expect(logged.join('\n')).toContain(
        `the postgres user cannot reach ${join(parent, 'clone', '.pipewright')} (a parent directory is private to root), so the embedded database lives in ${server.dataDir}`,
      );
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    // The next start of the same clone finds the same database.
    const again = await startEmbeddedPostgres({ dataDir, reachableRoot });
    await again.stop();
    expect(again.dataDir).toBe(server.dataDir);
  });

  it('fails saying exactly what to change when no reachable place can be made', async () => {
    const dataDir = join(parent, 'other-clone', '.pipewright', 'pg');
    const error = await startEmbeddedPostgres({ dataDir, reachableRoot: join(parent, 'also-private') }).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    expect(error?.message).toContain(
      `the embedded PostgreSQL runs as the "postgres" user (PostgreSQL refuses to run as root), which cannot reach ${join(parent, 'other-clone', '.pipewright')}`,
    );
    expect(error?.message).toContain('chmod o+x on each private parent');
    expect(error?.message).toContain('set PIPEWRIGHT_HOME to a directory outside it');
    expect(error?.message).toContain('DATABASE_URL');
  });
});
