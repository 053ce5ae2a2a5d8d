import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnQuantiles, fittedQuantiles, QUANTILE_SAMPLE_ROWS } from '@pipewright/nodes';
import { DuckDbSandbox } from './duckdb-sandbox.js';

const FRACTIONS = [0, 0.01, 0.1, 0.217, 0.25, 0.333, 0.5, 0.61, 0.75, 0.87, 0.999, 1];
/** Columns of every kind quantiles meet: spread, tied, skewed, with missing values, NaN and ±∞, none at all. */
const COLUMNS = {
  spread: 'CAST(hash(i) % 1000003 AS DOUBLE) / 7.0',
  roots: 'sqrt(CAST(hash(i + 5) % 1000003 AS DOUBLE))',
  ties: 'CAST(hash(i + 1) % 5 AS DOUBLE)',
  skewed: 'exp(CAST(hash(i + 2) % 10000 AS DOUBLE) / 700.0)',
  gaps: 'CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(hash(i + 3) % 99991 AS DOUBLE) * -0.125 END',
  special: `CASE WHEN i % 100 = 1 THEN 'NaN'::DOUBLE WHEN i % 100 = 2 THEN 'inf'::DOUBLE WHEN i % 100 = 3 THEN '-inf'::DOUBLE ELSE CAST(hash(i + 4) % 65537 AS DOUBLE) / 3.0 END`,
  empty: 'CAST(NULL AS DOUBLE)',
};
const names = Object.keys(COLUMNS);
let sql: DuckDbSandbox;

beforeAll(async () => {
  sql = await DuckDbSandbox.open({
    jobDir: mkdtempSync(join(tmpdir(), 'pipewright-quantiles-')),
    jobKey: 'q'.repeat(64),
  });
  const select = Object.entries(COLUMNS).map(([name, x]) => `${x} AS ${name}`);
  await sql.exec(`CREATE TABLE t AS SELECT ${select.join(', ')} FROM range(50000) AS r(i)`);
});

afterAll(() => sql.close());

describe('columnQuantiles', () => {
  it('answers the very doubles quantile_cont of each column does, for every kind of column', async () => {
    const answers = await columnQuantiles(sql, 't', names, FRACTIONS);
    for (const [i, name] of names.entries()) {
      const exact = await sql.all(
        `SELECT ${FRACTIONS.map((p, k) => `quantile_cont(${name}, ${p}) AS q${k}`).join(', ')} FROM t`,
      );
      FRACTIONS.forEach((p, k) => {
        const expected = exact[0][`q${k}`] === null ? null : Number(exact[0][`q${k}`]);
        expect(Object.is(answers[i][k], expected), `${name} at ${p}: ${answers[i][k]} against ${expected}`).toBe(true);
      });
    }
    expect(answers[names.indexOf('empty')]).toEqual(FRACTIONS.map(() => null));
    expect(answers[names.indexOf('special')].at(-1)).toBeNaN();
  });

  it('answers nothing for no columns', async () => {
    expect(await columnQuantiles(sql, 't', [], [0.5])).toEqual([]);
  });
});

describe('fittedQuantiles', () => {
  // A long table: a spread column, a 0/1 column (70 rows of 0, then 30 of 1, over and over), one sorted by row, a sparse one.
  const LONG = {
    spread: 'CAST(hash(i + 7) % 1000003 AS DOUBLE)',
    flags: 'CASE WHEN (i // 10) % 10 < 7 THEN 0.0 ELSE 1.0 END',
    sorted: 'CAST(i AS DOUBLE)',
    sparse: 'CASE WHEN i % 50 = 0 THEN CAST(i % 977 AS DOUBLE) END',
  };
  const long = Object.keys(LONG);
  const ROWS = 650_000;

  beforeAll(async () => {
    await sql.exec(
      `CREATE TABLE long AS SELECT ${Object.entries(LONG)
        .map(([name, x]) => `${x} AS ${name}`)
        .join(', ')} FROM range(${ROWS}) AS r(i)`,
    );
    await sql.exec(`CREATE VIEW long_view AS SELECT * FROM long`);
  });

  it('reads the exact quantiles of a table of up to QUANTILE_SAMPLE_ROWS rows', async () => {
    const source = `(SELECT * FROM long LIMIT ${QUANTILE_SAMPLE_ROWS})`;
    const fitted = await fittedQuantiles(sql, source, QUANTILE_SAMPLE_ROWS, long, [0.25, 0.5, 0.75]);
    expect(fitted.sample).toBeUndefined();
    expect(fitted.values).toEqual(await columnQuantiles(sql, source, long, [0.25, 0.5, 0.75]));
  });

  it('reads a longer table’s from a fixed sample of 100,000–200,000 rows, close to the exact ones', async () => {
    const fractions = [0.25, 0.5, 0.75];
    const fitted = await fittedQuantiles(sql, 'long', ROWS, long, fractions);
    // ⌈650,000 / 200,000⌉ = 4: about one row in four.
    expect(fitted.sample?.of).toBe(ROWS);
    expect(fitted.sample?.rows).toBeGreaterThan(150_000);
    expect(fitted.sample?.rows).toBeLessThan(175_000);
    const exact = await columnQuantiles(sql, 'long', long, fractions);
    const [spread, flags, sorted, sparse] = fitted.values;
    // A sample of values would miss whole runs of a repeated value; a sample of rows keeps the 0/1 column's quartiles.
    expect(flags).toEqual([0, 0, 1]);
    expect(flags).toEqual(exact[1]);
    spread.forEach((q, k) => expect(Math.abs(q! - exact[0][k]!) / 1_000_003).toBeLessThan(0.005));
    sorted.forEach((q, k) => expect(Math.abs(q! - exact[2][k]!) / ROWS).toBeLessThan(0.005));
    sparse.forEach((q, k) => expect(Math.abs(q! - exact[3][k]!) / 977).toBeLessThan(0.05));
    expect(fitted.values).not.toEqual(exact);
    // The same rows every time, and through a view of the table (a fused unit's kept view) as from the table.
    expect(await fittedQuantiles(sql, 'long', ROWS, long, fractions)).toEqual(fitted);
    expect(await fittedQuantiles(sql, 'long_view', ROWS, long, fractions)).toEqual(fitted);
  });
});
