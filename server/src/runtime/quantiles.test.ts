import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnQuantiles } from '@pipewright/nodes';
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
