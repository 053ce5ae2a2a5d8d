import { beforeAll, describe, expect, it } from 'vitest';
import { applyStepsToRow, type Row, type SqlValue, type TableRef, type TransformValue } from '../../core/index.js';
import { loadCsvTable, readRequestRows, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Row[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readRequestRows(penguins);
});

function counts(values: SqlValue[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const value of values) result[String(value)] = (result[String(value)] ?? 0) + 1;
  return result;
}

describe('feature.bin', () => {
  it('cuts equal-width bins between the fitted min and max (the max goes to the last bin)', async () => {
    const run = await runNodeForTest('feature.bin', { column: 'flipper_length_mm', bins: 4 }, { in: penguins });
    const step = (run.outputs.transform as TransformValue).transform.steps[0];
    // flipper_length_mm runs from 172 to 231 in penguins.csv.
    expect(step).toEqual({ op: 'bin', column: 'flipper_length_mm', edges: [172, 186.75, 201.5, 216.25, 231] });
    const out = await run.readTable(run.outputs.out);
    expect(out.find((_, i) => rows[i].flipper_length_mm === 231)?.flipper_length_mm).toBe(3);
    expect(out.find((_, i) => rows[i].flipper_length_mm === 172)?.flipper_length_mm).toBe(0);
    expect(out.filter((r) => r.flipper_length_mm === null)).toHaveLength(2);
    // Each bin holds the rows whose value lies in it, as the row-wise path counts them.
    const expected = rows.map((r) => applyStepsToRow([step], r).flipper_length_mm);
    expect(out.map((r) => r.flipper_length_mm)).toEqual(expected);
  });

  it('cuts quantile bins holding about the same number of rows', async () => {
    const run = await runNodeForTest(
      'feature.bin',
      { column: 'body_mass_g', bins: 4, method: 'quantile' },
      { in: penguins },
    );
    const out = await run.readTable(run.outputs.out);
    const sizes = counts(out.map((r) => r.body_mass_g).filter((v) => v !== null));
    expect(Object.keys(sizes).sort()).toEqual(['0', '1', '2', '3']);
    for (const size of Object.values(sizes)) expect(Math.abs(size - 342 / 4)).toBeLessThan(8);
  });

  it('puts values beyond the fitted edges into the first or last bin when scoring', async () => {
    const run = await runNodeForTest('feature.bin', { column: 'flipper_length_mm', bins: 4 }, { in: penguins });
    const steps = (run.outputs.transform as TransformValue).transform.steps;
    expect(applyStepsToRow(steps, { flipper_length_mm: 100 }).flipper_length_mm).toBe(0);
    expect(applyStepsToRow(steps, { flipper_length_mm: 400 }).flipper_length_mm).toBe(3);
  });

  it('names a text column or one that holds a single value', async () => {
    const text = await runNodeForTest('feature.bin', { column: 'island' }, { in: penguins }).catch((e) => e);
    expect(text.failure).toMatchObject({ param: 'column', column: 'island' });
    const one = await runNodeForTest('clean.sql', { query: 'SELECT 1.5 AS x FROM input' }, { in: penguins });
    const single = await runNodeForTest('feature.bin', { column: 'x' }, { in: one.outputs.out }).catch((e) => e);
    expect(single.message).toContain('column "x" holds a single value (1.5)');
  });
});
