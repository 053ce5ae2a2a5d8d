import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { runNodeForTest, startTestPostgres, type TestPostgres } from '@pipewright/server/testing';
import { registry } from '../../catalog.js';
import { compilePipeline } from '../../core/compile.js';
import { sampleableQuery } from './postgres-sample.js';

describe('which queries PostgreSQL samples itself', () => {
  it.each([
    ['SELECT * FROM sales', 'sales'],
    ['select a, b AS "B" from public.sales s where a > 1', 'public.sales'],
    ['SELECT extract(year FROM day) AS y FROM "Big Table" AS t WHERE note = \'from x join y\'', '"Big Table"'],
  ])('%s: samples %s', (query, table) => {
    const plan = sampleableQuery(query);
    expect(plan.ok && plan.query.table).toBe(table);
  });

  it.each([
    ['SELECT * FROM a JOIN b ON a.id = b.id', 'JOIN'],
    ['SELECT * FROM a, b', 'a second table after a comma'],
    ['SELECT DISTINCT x FROM a', 'DISTINCT'],
    ['SELECT x, count(*) FROM a GROUP BY x', 'GROUP'],
    ['SELECT * FROM a ORDER BY x LIMIT 10', 'ORDER'],
    ['SELECT * FROM (SELECT 1) AS s', 'does not name a table'],
    ['WITH s AS (SELECT 1) SELECT * FROM s', 'does not start with SELECT'],
    ['SELECT * FROM generate_series(1, 10) AS g', 'calls a function'],
    ['SELECT 1 UNION SELECT 2', 'UNION'],
  ])('%s: read whole (%s)', (query, reason) => {
    const plan = sampleableQuery(query);
    expect(plan.ok ? 'sampled' : plan.reason).toContain(reason);
  });
});

describe('the plan hands sample.rows’ sample to the PostgreSQL source before it', () => {
  const plan = (sampleParams: Record<string, unknown>, alsoProfiled = false) =>
    compilePipeline(
      {
        format: 'pipewright/v1',
        name: 'sampled warehouse',
        nodes: [
          { id: 'src', type: 'source.postgres', params: { connection: 'warehouse', query: 'SELECT * FROM sales' } },
          { id: 'sample', type: 'sample.rows', params: sampleParams },
          ...(alsoProfiled ? [{ id: 'profile', type: 'explore.profile', params: {} }] : []),
        ],
        edges: [{ from: 'src.out', to: 'sample.in' }, ...(alsoProfiled ? [{ from: 'src.out', to: 'profile.in' }] : [])],
      },
      { registry },
    ).jobs.find((job) => job.nodeId === 'src')?.sample;

  it('when sample.rows is its only reader and the sample is simple', () => {
    expect(plan({ fraction: 0.05, seed: 7 })).toEqual({ fraction: 0.05, seed: 7 });
    expect(plan({ rows: 500 })).toEqual({ rows: 500, seed: 42 });
  });

  it('not when another node reads every row, nor for a stratified sample', () => {
    expect(plan({ fraction: 0.05 }, true)).toBeUndefined();
    expect(plan({ fraction: 0.05, stratify: 'region' })).toBeUndefined();
  });
});

// The test's own database (a fresh embedded PostgreSQL): the table is the only one there.
const table = 'events';
let postgres: TestPostgres;
let url: string;
let connections: Record<string, string>;
const TOTAL = 50_000;

async function sql(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** What EXPLAIN ANALYZE says the query's scan of the table was, and how many rows it read. */
async function scanOf(query: string): Promise<{ nodeType: string; rowsRead: number }> {
  const result = await sql(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
  const plan = (result.rows[0] as { 'QUERY PLAN': [{ Plan: Record<string, unknown> }] })['QUERY PLAN'][0].Plan;
  const removed = Number(plan['Rows Removed by Filter'] ?? 0);
  return { nodeType: String(plan['Node Type']), rowsRead: Number(plan['Actual Rows']) + removed };
}

/** The source as a run hands it the sample of its only reader, then that sample.rows. */
async function sourceThenSample(query: string, sample: { fraction?: number; rows?: number; seed: number }) {
  const source = await runNodeForTest(
    'source.postgres',
    { connection: 'warehouse', query },
    {},
    { connections, sample },
  );
  const node = await runNodeForTest('sample.rows', sample, { in: source.outputs.out as TableRef });
  return { source, node, out: node.outputs.out as TableRef };
}

const sampledQueryIn = (logs: { message: string }[]): string => {
  const line = logs.map((l) => l.message).find((m) => m.startsWith('reading '));
  return line?.slice(line.indexOf(': ') + 2) ?? '';
};

describe('source.postgres reading a sample for sample.rows', () => {
  beforeAll(async () => {
    postgres = await startTestPostgres();
    url = postgres.url;
    connections = { warehouse: url };
    await sql(`CREATE TABLE ${table} (id integer, v double precision, label text)`);
    await sql(
      `INSERT INTO ${table} SELECT g, g * 3, CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, ${TOTAL}) AS g`,
    );
    await sql(`ANALYZE ${table}`);
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it('a fraction is sampled inside PostgreSQL: a Sample Scan reads only part of the table', async () => {
    const { source, node, out } = await sourceThenSample(`SELECT id, v, label FROM ${table}`, {
      fraction: 0.05,
      seed: 7,
    });
    const query = sampledQueryIn(source.logs);
    expect(query).toBe(`SELECT id, v, label FROM ${table} TABLESAMPLE SYSTEM (5) REPEATABLE (7)`);
    const scan = await scanOf(query);
    expect(scan.nodeType).toBe('Sample Scan');
    expect(scan.rowsRead).toBeLessThan(TOTAL / 5);
    // About 5% of 50,000: whole pages of rows, so not exactly 2,500.
    expect(out.rows).toBeGreaterThan(1000);
    expect(out.rows).toBeLessThan(5000);
    expect(out.sample).toMatchObject({ kept: out.rows, readPart: true, estimated: true });
    const of = out.sample?.of ?? 0;
    expect(of).toBeGreaterThan(TOTAL / 2);
    expect(of).toBeLessThan(TOTAL * 2);
    expect(node.logs.map((l) => l.message)).toContain(
      `kept ${out.rows} of about ${of} rows, read by the source without reading all of it`,
    );
    const rows = await node.readTable(out);
    expect(rows.every((row) => row.v === (row.id as number) * 3)).toBe(true);

    // The same seed reads the same pages.
    const again = await sourceThenSample(`SELECT id, v, label FROM ${table}`, { fraction: 0.05, seed: 7 });
    expect(again.out.rows).toBe(out.rows);
  });

  it('a number of rows is kept exactly, from a sampled read, with a WHERE kept', async () => {
    const query = `SELECT id, label FROM ${table} WHERE label = 'b'`;
    const { source, node, out } = await sourceThenSample(query, { rows: 500, seed: 3 });
    expect(out.rows).toBe(500);
    const rows = await node.readTable(out);
    expect(rows.every((row) => row.label === 'b')).toBe(true);
    const ids = rows.map((row) => row.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(500);
    const scan = await scanOf(sampledQueryIn(source.logs));
    expect(scan.nodeType).toBe('Sample Scan');
    expect(scan.rowsRead).toBeLessThan(TOTAL / 10);
    expect(node.logs.map((l) => l.message).join('\n')).toMatch(
      /^kept 500 of about \d+ rows, read by the source without reading all of it$/m,
    );
  });

  it('a query PostgreSQL cannot sample is read whole and sampled exactly, saying why', async () => {
    const { source, node, out } = await sourceThenSample(`SELECT id, v FROM ${table} ORDER BY id`, {
      fraction: 0.05,
      seed: 7,
    });
    expect(source.logs.map((l) => l.message)).toContain(
      'the sample is taken after reading every row: the query has ORDER',
    );
    expect(out.rows).toBe(2500);
    expect(node.logs.map((l) => l.message)).toContain(`kept 2500 of ${TOTAL} rows`);
  });
});
