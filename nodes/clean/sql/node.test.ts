import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, NodeRunError, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

async function failure(type: string, params: Record<string, unknown>, options = {}): Promise<NodeRunError> {
  const error: unknown = await runNodeForTest(type, params, { in: penguins }, options).then(
    () => new Error('the node ran'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeRunError);
  return error as NodeRunError;
}

describe('clean.sql', () => {
  it('runs a SELECT over `input`: GROUP BY, window functions', async () => {
    const run = await runNodeForTest(
      'clean.sql',
      {
        query: `SELECT species, count(*) AS n, avg(body_mass_g) AS mass,
                  rank() OVER (ORDER BY count(*) DESC) AS place
                FROM input GROUP BY species ORDER BY place`,
      },
      { in: penguins },
    );
    const result = await run.readTable(run.outputs.out);
    expect(result.map((r) => [r.species, r.n, r.place])).toEqual([
      ['Adelie', 152, 1],
      ['Gentoo', 124, 2],
      ['Chinstrap', 68, 3],
    ]);
    const gentoo = rows.filter((r) => r.species === 'Gentoo' && r.body_mass_g !== null);
    expect(result[1].mass).toBeCloseTo(gentoo.reduce((a, r) => a + (r.body_mass_g as number), 0) / gentoo.length, 9);
  });

  // The sandbox: user SQL may read the job's own tables and nothing else.
  it.each([
    ['reading a file', "SELECT * FROM read_csv('/etc/passwd')", /not allowed/],
    ['reading a file as text', "SELECT * FROM read_text('/etc/passwd')", /not allowed/],
    ['reading a file by name', "SELECT * FROM '/etc/passwd'", /not allowed|does not exist/],
    ['listing files', "SELECT * FROM glob('/etc/*')", /not allowed/],
    ['sniffing a file', "SELECT * FROM sniff_csv('/etc/passwd')", /not allowed/],
    ['escaping the job directory', "SELECT * FROM read_parquet('../../../etc/x.parquet')", /not allowed/],
    ['COPY to a file', "COPY input TO '/tmp/pipewright-leak.csv'", /starts with COPY, which is not allowed/],
    ['ATTACH', "ATTACH '/tmp/pipewright-leak.db' AS leak", /starts with ATTACH, which is not allowed/],
    ['INSTALL', 'INSTALL httpfs', /starts with INSTALL, which is not allowed/],
    ['LOAD', 'LOAD httpfs', /starts with LOAD, which is not allowed/],
    ['SET', "SET memory_limit = '100GB'", /starts with SET, which is not allowed/],
    ['PRAGMA', 'PRAGMA enable_profiling', /starts with PRAGMA, which is not allowed/],
    ['a second statement', 'SELECT 1; SET enable_external_access = true', /single statement/],
    ['COPY run through query()', "SELECT * FROM query('COPY input TO ''/tmp/pipewright-leak.csv''')", /\w/],
    ['SET run through query()', "SELECT * FROM query('SET enable_external_access = true')", /\w/],
    ['a second statement after a comment', "-- hi\nSELECT 1; COPY input TO '/tmp/x.csv'", /single statement/],
    ['reading the settings (the job directory)', 'SELECT * FROM duckdb_settings()', /not allowed: duckdb_settings/],
    ['reading a setting', "SELECT current_setting('temp_directory')", /not allowed: current_setting/],
    ['reading the view of its input (its path)', 'SELECT sql FROM duckdb_views()', /not allowed: duckdb_views/],
  ])('refuses %s with a clear error naming the query param', async (_what, query, message) => {
    const error = await failure('clean.sql', { query });
    expect(error.failure.param).toBe('query');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(existsSync('/tmp/pipewright-leak.csv')).toBe(false);
  });

  it('refuses the same escapes through clean.filter and feature.expression', async () => {
    const filter = await failure('clean.filter', { where: '1 = 1; SET enable_external_access = true' });
    expect(filter.failure.param).toBe('where');
    const read = await failure('clean.filter', { where: "(SELECT count(*) FROM read_text('/etc/passwd')) > 0" });
    expect(read.message).toMatch(/param "where": not allowed/);
    const expression = await failure('feature.expression', {
      name: 'x',
      expression: "(SELECT content FROM read_text('/etc/hostname'))",
    });
    expect(expression.message).toMatch(/param "expression": not allowed/);
    const setting = await failure('clean.filter', { where: "current_setting('temp_directory') <> ''" });
    expect(setting.message).toMatch(/param "where": not allowed: current_setting\(\)/);
  });

  it('stops a query that runs past the time limit, and one that needs more memory than allowed', async () => {
    const slow = await failure(
      'clean.sql',
      { query: 'SELECT count(*) FROM range(10000000000) a' },
      { sqlLimits: { timeoutMs: 300 } },
    );
    expect(slow.failure.param).toBe('query');
    expect(slow.message).toContain('ran longer than its limit of 0.3 s');
    const hungry = await failure(
      'clean.sql',
      { query: 'SELECT list(range) AS l FROM range(50000000)' },
      { sqlLimits: { memoryLimit: '64MB' } },
    );
    expect(hungry.message).toMatch(/param "query": the query needs more memory than this job may use/);
  });

  it('names a column the query refers to that the table lacks', async () => {
    const error = await failure('clean.sql', { query: 'SELECT wingspan FROM input' });
    expect(error.failure).toMatchObject({ param: 'query', column: 'wingspan' });
  });
});
