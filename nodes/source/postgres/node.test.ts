import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { runNodeForTest, startTestPostgres, type TestPostgres } from '@pipewright/server/testing';

// The test's own database (a fresh embedded PostgreSQL): the table is the only one there.
const table = 'accounts';
let postgres: TestPostgres;
let url: string;
let connections: Record<string, string>;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('source.postgres', () => {
  beforeAll(async () => {
    postgres = await startTestPostgres();
    url = postgres.url;
    connections = { warehouse: url };
    await admin(
      `CREATE TABLE ${table} (id integer, price numeric(8,2), name text, active boolean, born date, seen timestamptz)`,
    );
    await admin(`INSERT INTO ${table} VALUES
      (1, 9.99, 'ada', true, '1815-12-10', '2024-05-01 12:30:00+00'),
      (2, NULL, 'grace', false, NULL, NULL),
      (3, 1234.5, NULL, NULL, '1906-12-09', '2024-05-02 08:00:00+00')`);
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it('reads a query’s rows with numbers, text, booleans and datetimes typed', async () => {
    const run = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `SELECT * FROM ${table} ORDER BY id` },
      {},
      { connections },
    );
    const out = run.outputs.out as TableRef;
    expect(out.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'number'],
      ['price', 'number'],
      ['name', 'string'],
      ['active', 'boolean'],
      ['born', 'datetime'],
      ['seen', 'datetime'],
    ]);
    const rows = await run.readTable(out);
    expect(rows.map((r) => [r.id, r.price, r.name, r.active])).toEqual([
      [1, 9.99, 'ada', true],
      [2, null, 'grace', false],
      [3, 1234.5, null, null],
    ]);
    expect(String(rows[0].seen)).toMatch(/^2024-05-01[ T]12:30:00/);
    expect(rows[1].born).toBeNull();
    expect(String(rows[0].born)).toMatch(/^1815-12-10/);
  });

  it('names the connection param for a connection the server does not have, without leaking URLs', async () => {
    const error = await runNodeForTest(
      'source.postgres',
      { connection: 'crm', query: 'SELECT 1' },
      {},
      { connections },
    ).catch((e) => e);
    expect(error.failure.param).toBe('connection');
    expect(error.message).toContain('no connection named "crm" is configured on this server');
    expect(error.message).not.toContain(url);
  });

  it('runs read-only: a write is refused by the database, naming the query param', async () => {
    const error = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `WITH gone AS (DELETE FROM ${table} RETURNING id) SELECT * FROM gone` },
      {},
      { connections },
    ).catch((e) => e);
    expect(error.failure.param).toBe('query');
    // PostgreSQL refuses it twice over: a cursor takes no data-modifying WITH, and the transaction is READ ONLY.
    expect(error.message).toMatch(/data-modifying statements|read-only transaction/);
    const stillThere = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `SELECT count(*) AS n FROM ${table}` },
      {},
      { connections },
    );
    expect((await stillThere.readTable(stillThere.outputs.out))[0].n).toBe(3);
  });

  it('refuses a statement that is not a SELECT, and names a column that is not there', async () => {
    const drop = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `DROP TABLE ${table}` },
      {},
      { connections },
    ).catch((e) => e);
    expect(drop.failure.param).toBe('query');
    expect(drop.message).toContain('starts with DROP, which is not allowed');
    const twice = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `SELECT id, id FROM ${table}` },
      {},
      { connections },
    ).catch((e) => e);
    expect(twice.failure).toMatchObject({ param: 'query', column: 'id' });
    const column = await runNodeForTest(
      'source.postgres',
      { connection: 'warehouse', query: `SELECT wingspan FROM ${table}` },
      {},
      { connections },
    ).catch((e) => e);
    expect(column.message).toContain('column "wingspan" does not exist');
  });
});
