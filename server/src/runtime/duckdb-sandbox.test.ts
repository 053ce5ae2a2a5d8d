import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeError } from '@pipewright/nodes';
import { QueryCancelledError } from './duckdb-errors.js';
import { DuckDbSandbox } from './duckdb-sandbox.js';

const open: DuckDbSandbox[] = [];

async function sandbox(options: Partial<Parameters<typeof DuckDbSandbox.open>[0]> = {}): Promise<DuckDbSandbox> {
  const jobDir = mkdtempSync(join(tmpdir(), 'pipewright-sandbox-'));
  const sql = await DuckDbSandbox.open({ jobDir, jobKey: 'k'.repeat(64), ...options });
  open.push(sql);
  return sql;
}

afterEach(() => {
  for (const sql of open.splice(0)) sql.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the query to fail');
  return error;
}

describe('DuckDbSandbox', () => {
  it('refuses to read, list or write files outside the job directory, and to change its settings', async () => {
    const sql = await sandbox();
    for (const statement of [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/etc/*')",
      `SELECT * FROM read_parquet('${sql.jobDir}/../escape.parquet')`,
      "COPY (SELECT 1) TO '/tmp/pipewright-escape.parquet' (FORMAT parquet)",
      "ATTACH '/tmp/pipewright-escape.db'",
      'INSTALL httpfs',
    ]) {
      const error = await failure(sql.all(statement));
      expect(error, statement).toBeInstanceOf(NodeError);
      expect(error.message, statement).toMatch(/^not allowed: /);
    }
    const install = await failure(sql.exec('INSTALL httpfs'));
    expect(install.message).not.toContain(homedir());
    const set = await failure(sql.exec('SET enable_external_access = true'));
    expect(set.message).toContain('the configuration has been locked');
  });

  it('runs one statement per call, so spliced-in SQL cannot start another', async () => {
    const sql = await sandbox();
    const error = await failure(sql.all("SELECT 1 WHERE 1=1; CREATE TABLE t AS SELECT 'injected'"));
    expect(error.message).toBe('SQL must be a single statement, but this has 2');
    expect((await failure(sql.all('SELECT * FROM t'))).message).toMatch(/Table with name t does not exist/);
  });

  it("hides the job directory, the server's paths and its settings from SQL", async () => {
    const sql = await sandbox();
    const input = await sql.writeTable('input', 'SELECT 1 AS a');
    await sql.exec(`CREATE VIEW input AS SELECT * FROM ${sql.from(input)}`);
    for (const statement of [
      'SELECT * FROM duckdb_settings()',
      "SELECT current_setting('temp_directory') AS dir",
      'SELECT * FROM input, (SELECT value FROM "DuckDB_Settings"() WHERE name = \'secret_directory\')',
      'SELECT * FROM system.main.duckdb_settings()',
      'SELECT * FROM pg_settings',
      'SELECT sql FROM duckdb_views()',
      'SELECT sql FROM sqlite_master',
      'SELECT definition FROM pg_views',
      'SELECT view_definition FROM information_schema.views',
      'SELECT * FROM duckdb_temporary_files()',
      'SELECT * FROM duckdb_extensions()',
      "SELECT * FROM query('SELECT * FROM duckdb_settings()')",
      "SELECT * FROM query_table('duckdb_views')",
      'WITH a AS (SELECT * FROM input) SELECT a.*, (SELECT count(*) FROM pragma_database_list) FROM a',
    ]) {
      const error = await failure(sql.all(statement));
      expect(error, statement).toBeInstanceOf(NodeError);
      expect(error.message, statement).toMatch(/^not allowed: .* describes the SQL engine, not the data/);
    }
    const copy = await failure(sql.writeTable('out', "SELECT current_setting('allowed_directories') AS dirs"));
    expect(copy.message).toMatch(/^not allowed: current_setting\(\)/);
    const created = await failure(sql.exec('CREATE TABLE leak AS SELECT * FROM duckdb_settings()'));
    expect(created.message).toMatch(/^not allowed: duckdb_settings\(\)/);

    // An error about a file in the job directory names it relative to the directory.
    const missing = await failure(sql.all(`SELECT * FROM read_parquet('${sql.jobDir}/missing.parquet')`));
    expect(missing.message).toContain('missing.parquet');
    expect(missing.message).not.toContain(sql.jobDir);
    // The job's own tables stay readable, and DESCRIBE and SUMMARIZE of them too.
    expect(await sql.all('SELECT a FROM input')).toEqual([{ a: 1 }]);
    expect(await sql.all('SELECT column_name FROM (DESCRIBE input)')).toEqual([{ column_name: 'a' }]);
  });

  it('reads and writes Parquet inside the job directory', async () => {
    const sql = await sandbox();
    const table = await sql.writeTable('out', "SELECT 1 AS id, 'x' AS name, NULL::DOUBLE AS score, true AS ok");
    expect(table).toMatchObject({ uri: 'out.parquet', rows: 1, key: `${'k'.repeat(64)}:out`, transforms: [] });
    expect(table.columns).toEqual([
      { name: 'id', type: 'number', sqlType: 'INTEGER' },
      { name: 'name', type: 'string', sqlType: 'VARCHAR' },
      { name: 'score', type: 'number', sqlType: 'DOUBLE' },
      { name: 'ok', type: 'boolean', sqlType: 'BOOLEAN' },
    ]);
    expect(await sql.all(`SELECT * FROM ${sql.from(table)}`)).toEqual([{ id: 1, name: 'x', score: null, ok: true }]);
  });

  it('in a fused unit, keeps the whole of a table the node made under its kept name, and the node can still read it', async () => {
    const sql = await sandbox({ keepTables: true });
    sql.beginNode('n'.repeat(64));
    await sql.exec('CREATE TABLE csv AS SELECT range AS id, range * 2 AS twice FROM range(5)');
    const whole = await sql.writeTable('out', 'SELECT * FROM csv');
    const again = await sql.writeTable('evens', 'SELECT * FROM csv WHERE id % 2 = 0');
    // The whole of a view is copied (only a table can be renamed), and outlives the view.
    await sql.exec('CREATE VIEW odd AS SELECT * FROM csv WHERE id % 2 = 1');
    const odd = await sql.writeTable('odd', 'SELECT * FROM odd');
    expect([whole.rows, again.rows, odd.rows]).toEqual([5, 3, 2]);
    expect(whole.columns.map((c) => c.name)).toEqual(['id', 'twice']);
    expect(await sql.all(`SELECT sum(twice) AS total FROM ${sql.from(whole)}`)).toEqual([{ total: 20 }]);
    // The node's scratch tables go when it is done; its kept tables stay.
    await sql.dropAllBut(sql.relationNames());
    expect(await sql.all(`SELECT count(*) AS n FROM ${sql.from(whole)}`)).toEqual([{ n: 5 }]);
    expect(await sql.all(`SELECT sum(id) AS total FROM ${sql.from(odd)}`)).toEqual([{ total: 4 }]);
    expect((await failure(sql.all('SELECT * FROM csv'))).message).toMatch(/csv/);
    // What makes it again from nothing is still the node's own SQL.
    expect(sql.recipeOf(whole.key, [])).toEqual({
      statements: ['CREATE TABLE csv AS SELECT range AS id, range * 2 AS twice FROM range(5)'],
      select: 'SELECT * FROM csv',
    });
  });

  it('in a fused unit, keeps a lazy select that projects and filters kept tables as a view, and the tables it reads while it is kept', async () => {
    const sql = await sandbox({ keepTables: true });
    sql.beginNode('a'.repeat(64));
    const base = await sql.writeTable('out', 'SELECT range AS v, range % 3 AS k FROM range(200000)');
    const small = await sql.writeTable('small', 'SELECT range AS v FROM range(1000)');
    sql.beginNode('b'.repeat(64));
    const lazy = { lazy: true };
    const doubled = await sql.writeTable(
      'out',
      `SELECT v * 2 AS v2, coalesce(k, 0) AS k FROM ${sql.from(base)} WHERE v % 2 = 0`,
      lazy,
    );
    sql.beginNode('c'.repeat(64));
    const shifted = await sql.writeTable('out', `SELECT v2 + 1 AS v3, k FROM ${sql.from(doubled)}`, lazy);
    expect([doubled.rows, shifted.rows]).toEqual([100000, 100000]);
    expect(shifted.columns.map((c) => c.name)).toEqual(['v3', 'k']);
    expect([sql.heldAs(base), sql.heldAs(doubled), sql.heldAs(shifted)]).toEqual(['table', 'view', 'view']);
    // What is not a row-by-row select of kept tables, or not lazy, or not repeatable, or reads a small table, is
    // copied.
    const copied = [
      await sql.writeTable('few', `SELECT v + 1 AS v FROM ${sql.from(small)}`, lazy),
      await sql.writeTable('grouped', `SELECT k, count(*) AS n FROM ${sql.from(base)} GROUP BY k`, lazy),
      await sql.writeTable('numbered', `SELECT *, row_number() OVER () AS n FROM ${sql.from(base)}`, lazy),
      await sql.writeTable('eager', `SELECT v + 1 AS v FROM ${sql.from(base)}`),
      await sql.writeTable('noisy', `SELECT v + random() AS v FROM ${sql.from(base)}`, lazy),
    ];
    await sql.exec('CREATE TABLE scratch AS SELECT 1 AS one');
    copied.push(await sql.writeTable('scratch', 'SELECT one + 1 AS two FROM scratch', lazy));
    expect(copied.map((table) => sql.heldAs(table))).toEqual(['table', 'table', 'table', 'table', 'table', 'table']);
    // Only the last view is still read: the view and the table it reads stay, the rest goes.
    for (const table of [base, small, doubled, ...copied]) sql.forget(table.key);
    await sql.dropAllBut(sql.relationNames());
    expect(await sql.all(`SELECT sum(v3) AS total, count(*) AS n FROM ${sql.from(shifted)}`)).toEqual([
      { total: 2 * 99999 * 100000 + 100000, n: 100000 },
    ]);
    // A chain of views is copied into a table every six nodes, so no read computes more than that again.
    let last = shifted;
    const held: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      sql.beginNode(String(i).repeat(64));
      last = await sql.writeTable('out', `SELECT v3 + 1 AS v3, k FROM ${sql.from(last)}`, lazy);
      held.push(sql.heldAs(last));
    }
    expect(held).toEqual(['view', 'view', 'view', 'view', 'table', 'view']);
    expect(await sql.all(`SELECT min(v3) AS first FROM ${sql.from(last)}`)).toEqual([{ first: 7 }]);
  });

  it('numbers a table held here from its stored positions, the same numbers row_number() gives, and records the portable form', async () => {
    const sql = await sandbox({ keepTables: true });
    sql.beginNode('a'.repeat(64));
    const held = await sql.writeTable('out', 'SELECT range AS v FROM range(100000) ORDER BY hash(range)');
    sql.beginNode('b'.repeat(64));
    const numbered = await sql.numbered(held, 'n');
    expect(numbered).toContain('rowid');
    const windowed = `SELECT *, row_number() OVER () AS "n" FROM ${sql.from(held)}`;
    expect(
      await sql.all(
        `SELECT count(*) AS differ FROM (${numbered}) AS a JOIN (${windowed}) AS b USING (n) WHERE a.v <> b.v`,
      ),
    ).toEqual([{ differ: 0 }]);
    const out = await sql.writeTable('out', `SELECT * FROM (${numbered}) AS t WHERE n % 2 = 0`);
    expect(sql.recipeOf(out.key, [held.key])?.select).toBe(`SELECT * FROM (${windowed}) AS t WHERE n % 2 = 0`);
    // A table with rows deleted has gaps in its positions: it is numbered by row_number().
    sql.beginNode('c'.repeat(64));
    await sql.exec('CREATE TABLE gappy AS SELECT range AS v FROM range(10)');
    await sql.exec('DELETE FROM gappy WHERE v < 3');
    const gappy = await sql.writeTable('out', 'SELECT * FROM gappy');
    expect(await sql.numbered(gappy, 'n')).toContain('row_number()');
    expect(
      await sql.all(`SELECT min(n) AS first, max(n) AS last FROM (${await sql.numbered(gappy, 'n')}) AS t`),
    ).toEqual([{ first: 1, last: 7 }]);
  });

  it('gives each job a fresh instance (made ahead of it) that sees nothing of the job before', async () => {
    const first = await sandbox();
    await first.exec('CREATE TABLE secret AS SELECT 42 AS answer');
    // A job with other limits gets an instance made with them; the jobs after it, ones with the defaults again.
    for (const limits of [{ memoryLimit: '1GB' }, {}, {}, {}]) {
      const next = await sandbox({ limits });
      expect((await failure(next.all('SELECT * FROM secret'))).message).toMatch(/secret/);
      const table = await next.writeTable('out', 'SELECT 1 AS id');
      expect(await next.all(`SELECT * FROM ${next.from(table)}`)).toEqual([{ id: 1 }]);
    }
  });

  it('hands numeric columns over as Float64Array with NaN for missing', async () => {
    const sql = await sandbox();
    const batch = await sql.columns(
      "SELECT * FROM (VALUES (1::BIGINT, 2.5::DECIMAL(4,2), 'a', DATE '2024-01-02'), (NULL, NULL, NULL, NULL)) AS t(n, d, s, day)",
    );
    expect(batch.rowCount).toBe(2);
    expect(batch.columns.map((c) => c.type)).toEqual(['number', 'number', 'string', 'datetime']);
    expect(batch.values[0]).toBeInstanceOf(Float64Array);
    expect(Array.from(batch.values[0] as Float64Array)).toEqual([1, Number.NaN]);
    expect(Array.from(batch.values[1] as Float64Array)).toEqual([2.5, Number.NaN]);
    expect(batch.values[2]).toEqual(['a', null]);
    expect(batch.values[3]).toEqual(['2024-01-02', null]);
  });

  it('loads values computed in JavaScript as a table', async () => {
    const sql = await sandbox();
    const name = await sql.createTable('computed', {
      rowCount: 2,
      columns: [
        { name: 'p', type: 'number', sqlType: 'DOUBLE' },
        { name: 'label', type: 'string', sqlType: 'VARCHAR' },
      ],
      values: [Float64Array.from([0.25, Number.NaN]), ['yes', null]],
    });
    expect(await sql.all(`SELECT * FROM ${name}`)).toEqual([
      { p: 0.25, label: 'yes' },
      { p: null, label: null },
    ]);
  });

  it('names a missing column', async () => {
    const sql = await sandbox();
    const error = await failure(sql.all('SELECT weight FROM (SELECT 1 AS height) AS t'));
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).column).toBe('weight');
    expect(error.message).toBe('column "weight" is not in the table (did you mean "height"?)');
  });

  it('names the line of a CSV value that does not fit its column', async () => {
    const sql = await sandbox();
    const lines = ['a,b', ...Array.from({ length: 30000 }, (_, i) => `${i},${i}`)];
    lines[25001] = '7,abc';
    writeFileSync(join(sql.jobDir, 'data.csv'), `${lines.join('\n')}\n`);
    const error = await failure(sql.all(`SELECT * FROM read_csv('${realpathSync(sql.jobDir)}/data.csv')`));
    expect(error.message).toContain('line 25002, column "b": Could not convert string "abc"');
    expect((error as NodeError).row).toBe(25002);
  });

  it('stops a statement that runs past the time limit', async () => {
    const sql = await sandbox({ limits: { timeoutMs: 200 } });
    const started = Date.now();
    const error = await failure(sql.all('SELECT count(*) FROM range(100000000000)'));
    expect(error.message).toContain('ran longer than its limit of 0.2 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops a statement when the job is cancelled', async () => {
    const controller = new AbortController();
    const sql = await sandbox({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await failure(sql.all('SELECT count(*) FROM range(100000000000)'));
    expect(error).toBeInstanceOf(QueryCancelledError);
    expect(await failure(sql.all('SELECT 1'))).toBeInstanceOf(QueryCancelledError);
  });
});
