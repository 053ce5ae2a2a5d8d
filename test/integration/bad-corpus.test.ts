import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built server, as the CLI runs it.
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/dist/database/embedded-postgres.js';
import { createTestEnvironment, runPipewright, type CliResult, type TestEnvironment } from './test-environment.js';

/**
 * Every bad pipeline and dataset of test/fixtures/bad/ through the real CLI:
 * the exit code of DESIGN.md (2 invalid file, 1 failed run), the node it
 * names, a message naming the param, column or row, and never a stack trace.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const corpus = join(root, 'test', 'fixtures', 'bad');

interface BadCase {
  file: string;
  exit: 1 | 2;
  /** The node the error names; null when it is about the file as a whole. */
  node: string | null;
  message: string;
  /** Fields the failed node's error must carry (param, column, row). */
  error?: Record<string, string | number>;
}

interface CliDocument {
  status: string;
  nodes: Record<string, { status: string; error?: Record<string, unknown> & { message: string } }>;
}

const { cases } = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { cases: BadCase[] };

/** CLI runs at once: each lane has its own home and database, so runs never share a worker. */
const LANES = 5;

describe('the bad-input corpus through the CLI', () => {
  const environments: TestEnvironment[] = [];
  const results = new Map<string, CliResult>();
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;

  beforeAll(async () => {
    // Without DATABASE_URL each CLI run would start and stop its own PostgreSQL: start one
    // for the whole corpus instead, and give each lane a database on it.
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      scratch = await mkdtemp(join(tmpdir(), 'pipewright-bad-'));
      await chmod(scratch, 0o755);
      embedded = await startEmbeddedPostgres({ dataDir: join(scratch, 'pg') });
      process.env.DATABASE_URL = embedded.url;
    }
    try {
      for (let i = 0; i < LANES; i++) environments.push(await createTestEnvironment());
    } finally {
      if (databaseUrl === undefined) delete process.env.DATABASE_URL;
    }
    // Invalid files end before any database starts; failed runs take longest, so they go first.
    const queue = [...cases].sort((a, b) => a.exit - b.exit);
    await Promise.all(
      environments.map(async (environment) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          results.set(
            next.file,
            await runPipewright(['run', next.file, '--json'], { cwd: corpus, env: environment.env }),
          );
        }
      }),
    );
  });

  afterAll(async () => {
    try {
      await Promise.all(environments.map((environment) => environment.dispose()));
    } finally {
      await embedded?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  });

  it('holds at least 20 cases, each file present', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.file)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const result = results.get(c.file);
    if (!result) throw new Error(`${c.file} did not run`);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(c.exit);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    if (c.exit === 2) {
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(c.message);
      if (c.node) expect(result.stderr).toContain(`node "${c.node}"`);
      return;
    }
    const document = JSON.parse(result.stdout) as CliDocument;
    expect(document.status).toBe('failed');
    if (!c.node) throw new Error(`${c.file}: a failed run must name its node`);
    const failed = document.nodes[c.node];
    expect(failed?.status, result.stdout).toBe('failed');
    expect(failed.error?.message).toContain(c.message);
    if (c.error) expect(failed.error).toMatchObject(c.error);
    expect(
      Object.entries(document.nodes)
        .filter(([, n]) => n.status === 'failed')
        .map(([id]) => id),
    ).toEqual([c.node]);
  });
});
