import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef, TransformValue } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';
import { dirtyFaults, rowAfterDedupe } from '../../../test/fixtures/data/dirty-faults.js';

const deduped: Partial<Record<'penguins' | 'diabetes', { table: TableRef; rows: Record<string, SqlValue>[] }>> = {};

beforeAll(async () => {
  for (const name of ['penguins', 'diabetes'] as const) {
    const dirty = await loadCsvTable(`test/fixtures/data/${name}_dirty.csv`);
    const run = await runNodeForTest('clean.duplicates', {}, { in: dirty }, { useCache: true });
    const table = run.outputs.out as TableRef;
    deduped[name] = { table, rows: await readTable(table) };
  }
});

/** Per column, how many values the node changed (clipped). */
function changedByColumn(before: Record<string, SqlValue>[], after: Record<string, SqlValue>[], columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, after.filter((row, i) => row[c] !== before[i][c]).length]));
}

describe('clean.outliers', () => {
  it.each([
    ['penguins', 'iqr', 'iqr_1.5_flags_by_column'],
    ['penguins', 'zscore', 'zscore_3_flags_by_column'],
    ['diabetes', 'iqr', 'iqr_1.5_flags_by_column'],
    ['diabetes', 'zscore', 'zscore_3_flags_by_column'],
  ] as const)('flags exactly the documented values of %s_dirty.csv by %s', async (name, method, key) => {
    const expected = dirtyFaults(name).summary.after_dedupe[key];
    const columns = Object.keys(expected);
    const { table, rows } = deduped[name]!;
    const run = await runNodeForTest('clean.outliers', { columns, method }, { in: table });
    const after = await run.readTable(run.outputs.out);
    expect(after).toHaveLength(rows.length);
    expect(changedByColumn(rows, after, columns)).toEqual(expected);
  });

  it('drops exactly the rows with an injected ×100 outlier (diabetes age, 1.5 × IQR)', async () => {
    const faults = dirtyFaults('diabetes');
    const { table, rows } = deduped.diabetes!;
    const run = await runNodeForTest('clean.outliers', { columns: ['age'], action: 'drop' }, { in: table });
    const after = await run.readTable(run.outputs.out);
    const toDeduped = rowAfterDedupe(faults);
    const injected = new Set(faults.outliers.cells.map(([row]) => toDeduped(row)));
    expect(injected.size).toBe(4);
    expect(after).toEqual(rows.filter((_, i) => !injected.has(i)));
    expect(run.logs.map((l) => l.message)).toContain('iqr 1.5: outside values by column: age 4; dropped 4 of 442 rows');
  });

  it('clips to the fitted range and outputs it as a transform that clips (never drops) rows being scored', async () => {
    const { table, rows } = deduped.penguins!;
    const run = await runNodeForTest(
      'clean.outliers',
      { columns: ['beak_length_mm'], method: 'zscore', threshold: 2, action: 'drop' },
      { in: table },
    );
    const values = rows.map((r) => r.beak_length_mm).filter((v): v is number => typeof v === 'number');
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const { transform } = run.outputs.transform as TransformValue;
    expect(transform.steps).toHaveLength(1);
    const [step] = transform.steps;
    expect(step).toMatchObject({ op: 'dropOutside', column: 'beak_length_mm' });
    if (step.op !== 'dropOutside') return;
    expect(step.min).toBeCloseTo(mean - 2 * std, 9);
    expect(step.max).toBeCloseTo(mean + 2 * std, 9);
    // Rows with a missing value stay.
    const kept = await run.readTable(run.outputs.out);
    expect(kept.filter((r) => r.beak_length_mm === null).length).toBe(
      rows.filter((r) => r.beak_length_mm === null).length,
    );

    const applied = await runNodeForTest('transform.apply', {}, { transform: run.outputs.transform, in: table });
    const scored = await applied.readTable(applied.outputs.out);
    expect(scored).toHaveLength(rows.length);
    expect(Math.max(...scored.map((r) => (r.beak_length_mm as number | null) ?? 0))).toBeCloseTo(step.max, 9);
  });

  it('names a text column or a missing column in columns', async () => {
    const { table } = deduped.penguins!;
    const text = await runNodeForTest('clean.outliers', { columns: ['island'] }, { in: table }).catch((e) => e);
    expect(text.failure).toMatchObject({ param: 'columns', column: 'island' });
    expect(text.message).toContain('column "island" holds string values, not numbers');
    const absent = await runNodeForTest('clean.outliers', { columns: ['wing'] }, { in: table }).catch((e) => e);
    expect(absent.failure).toMatchObject({ param: 'columns', column: 'wing' });
  });
});
