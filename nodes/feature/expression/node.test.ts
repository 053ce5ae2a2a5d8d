import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

describe('feature.expression', () => {
  it('adds a column computed per row', async () => {
    const run = await runNodeForTest(
      'feature.expression',
      { name: 'mass_kg', expression: 'body_mass_g / 1000' },
      { in: penguins },
    );
    const out = run.outputs.out as TableRef;
    expect(out.columns.at(-1)).toMatchObject({ name: 'mass_kg', type: 'number' });
    const result = await run.readTable(out);
    result.forEach((row, i) => {
      expect(row.mass_kg).toBe(rows[i].body_mass_g === null ? null : (rows[i].body_mass_g as number) / 1000);
    });
  });

  it('replaces a column of the same name in place, and takes CASE and text functions', async () => {
    const run = await runNodeForTest(
      'feature.expression',
      { name: 'sex', expression: "CASE WHEN sex IS NULL THEN 'unknown' ELSE lower(sex) END" },
      { in: penguins },
    );
    const out = run.outputs.out as TableRef;
    expect(out.columns.map((c) => c.name)).toEqual(penguins.columns.map((c) => c.name));
    const values = new Set((await run.readTable(out)).map((r) => r.sex));
    expect(values).toEqual(new Set(['male', 'female', 'unknown']));
  });

  it('names the param and the column an expression refers to that is not there', async () => {
    const error = await runNodeForTest(
      'feature.expression',
      { name: 'x', expression: 'wingspan * 2' },
      { in: penguins },
    ).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'expression', column: 'wingspan' });
    expect(error.message).toContain('param "expression": column "wingspan" is not in the table');
  });

  it('refuses a second statement or a file read smuggled into the expression', async () => {
    const second = await runNodeForTest(
      'feature.expression',
      { name: 'x', expression: "1 FROM input; COPY input TO '/tmp/x.csv'; SELECT 1" },
      { in: penguins },
    ).catch((e) => e);
    expect(second.failure.param).toBe('expression');
    const read = await runNodeForTest(
      'feature.expression',
      { name: 'x', expression: "(SELECT count(*) FROM read_csv('/etc/passwd'))" },
      { in: penguins },
    ).catch((e) => e);
    expect(read.failure.param).toBe('expression');
    expect(read.message).toMatch(/not allowed/);
  });
});
