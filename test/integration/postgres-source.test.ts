import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built server and runtime, as a worker runs them.
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/dist/database/embedded-postgres.js';
import { postgresConnectionAccess } from '../../server/dist/runtime/postgres-connections.js';
import { runNodeForTest } from '../../server/dist/runtime/testing.js';

/**
 * source.postgres against a real PostgreSQL (the embedded one) whose role can
 * write: the node itself must keep the query read-only and to one statement.
 */
describe('source.postgres stays read-only', () => {
  let embedded: EmbeddedPostgres;
  let scratch: string;
  let url: string;
  const where = { param: 'connection', queryParam: 'query' };

  const sql = async (text: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  const run = (query: string, options: { rowLimit?: number } = {}) =>
    postgresConnectionAccess({ crm: url }, { timeoutMs: 10_000, signal: new AbortController().signal, ...options });
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined).catch((error: unknown) => error);
  const accounts = async (): Promise<number[]> =>
    (await sql('SELECT id FROM accounts ORDER BY id')).rows.map((row: { id: number }) => row.id);
  const tableExists = async (name: string): Promise<boolean> =>
    (await sql(`SELECT to_regclass('${name}') IS NOT NULL AS present`)).rows[0].present as boolean;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pipewright-pgsource-'));
    await chmod(scratch, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: join(scratch, 'pg') });
    url = embedded.url;
    await sql(`CREATE TABLE accounts (id integer, name text)`);
    await sql(`INSERT INTO accounts VALUES (1, 'ada'), (2, 'grace')`);
  });
  afterAll(async () => {
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const smuggled = [
    `SELECT $$'$$ AS a; COMMIT; INSERT INTO accounts VALUES (666, 'x'); SELECT $$'$$ AS b`,
    `SELECT $q$'$q$ AS a; COMMIT; CREATE TABLE smuggled (x int); SELECT $q$'$q$ AS b`,
  ];

  it.each(smuggled)('the node refuses %s as more than one statement, and nothing is written', async (query) => {
    const error = (await refusal(
      runNodeForTest('source.postgres', { connection: 'crm', query }, {}, { connections: { crm: url } }),
    )) as { failure: { param?: string; message: string } };
    expect(error.failure.param).toBe('query');
    expect(error.failure.message).toContain('must be a single statement');
    expect(await accounts()).toEqual([1, 2]);
    expect(await tableExists('smuggled')).toBe(false);
  });

  it.each(smuggled)('the database refuses %s even past the node’s own check', async (query) => {
    const error = (await refusal(run(query).query('crm', query, where))) as { param?: string; message: string };
    expect(error.param).toBe('query');
    expect(error.message).toContain('cannot insert multiple commands into a prepared statement');
    expect(await accounts()).toEqual([1, 2]);
    expect(await tableExists('smuggled')).toBe(false);
  });

  it('accepts a ";" inside a dollar-quoted string', async () => {
    const result = await runNodeForTest(
      'source.postgres',
      { connection: 'crm', query: 'SELECT $$a;b$$ AS v, $tag$it’s; fine$tag$ AS w' },
      {},
      { connections: { crm: url } },
    );
    expect(await result.readTable(result.outputs.out)).toEqual([{ v: 'a;b', w: 'it’s; fine' }]);
  });

  it('cannot turn its transaction read-write or write through a WITH', async () => {
    const flip = (await refusal(
      run('').query('crm', `SELECT set_config('transaction_read_only', 'off', false) AS x`, where),
    )) as Error;
    expect(flip.message).toMatch(/read-write mode/);
    const write = (await refusal(
      run('').query('crm', `WITH gone AS (DELETE FROM accounts RETURNING id) SELECT * FROM gone`, where),
    )) as Error;
    expect(write.message).toMatch(/read-only transaction|data-modifying/);
    expect(await accounts()).toEqual([1, 2]);
  });

  it('refuses a query that gives more rows than the limit, naming the query param', async () => {
    const access = run('', { rowLimit: 5 });
    const within = await access.query('crm', 'SELECT * FROM generate_series(1, 5) AS n', where);
    expect(within.rowCount).toBe(5);
    const past = (await refusal(access.query('crm', 'SELECT * FROM generate_series(1, 6) AS n', where))) as {
      param?: string;
      message: string;
    };
    expect(past.param).toBe('query');
    expect(past.message).toContain('more than 5 rows');
  });

  it('stops a query past the statement timeout', async () => {
    const access = postgresConnectionAccess({ crm: url }, { timeoutMs: 300, signal: new AbortController().signal });
    const error = (await refusal(access.query('crm', 'SELECT pg_sleep(10)', where))) as Error;
    expect(error.message).toContain('statement timeout');
  });
});
