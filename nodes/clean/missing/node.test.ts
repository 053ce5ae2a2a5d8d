import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';
import { dirtyFaults } from '../../../test/fixtures/data/dirty-faults.js';

let penguins: TableRef;
let rawRows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rawRows = await readTable(penguins);
});

function emptyCells(rows: Record<string, SqlValue>[]): { row: number; column: string }[] {
  return rows.flatMap((row, index) =>
    Object.entries(row)
      .filter(([, value]) => value === null)
      .map(([column]) => ({ row: index, column })),
  );
}

describe('clean.missing', () => {
  it('fills exactly the 19 empty cells of penguins.csv with the most frequent values (mode)', async () => {
    expect(emptyCells(rawRows)).toHaveLength(19);
    const run = await runNodeForTest('clean.missing', { strategy: 'mode' }, { in: penguins });
    const rows = await run.readTable(run.outputs.out);
    expect(rows).toHaveLength(344);
    expect(emptyCells(rows)).toEqual([]);
    const changed = rows.flatMap((row, i) =>
      Object.keys(row)
        .filter((c) => row[c] !== rawRows[i][c])
        .map((c) => ({ row: i, column: c })),
    );
    expect(changed).toEqual(emptyCells(rawRows));
    const sexCounts = rawRows.reduce<Record<string, number>>((acc, r) => {
      if (r.sex !== null) acc[String(r.sex)] = (acc[String(r.sex)] ?? 0) + 1;
      return acc;
    }, {});
    const commonest = Object.entries(sexCounts).sort((a, b) => b[1] - a[1])[0][0];
    expect(
      new Set(
        emptyCells(rawRows)
          .filter((c) => c.column === 'sex')
          .map((c) => rows[c.row].sex),
      ),
    ).toEqual(new Set([commonest]));
  });

  it('learns the column means (numeric columns only by default) and outputs them as a transform', async () => {
    const run = await runNodeForTest('clean.missing', {}, { in: penguins });
    const transform = run.outputs.transform;
    expect(transform.kind).toBe('transform');
    if (transform.kind !== 'transform') return;
    expect(transform.transform.id).toBe(run.key);
    const values = rawRows.map((r) => r.body_mass_g).filter((v): v is number => typeof v === 'number');
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const step = transform.transform.steps.find((s) => s.op === 'impute' && s.column === 'body_mass_g');
    expect(step).toMatchObject({ op: 'impute', column: 'body_mass_g' });
    expect(step?.op === 'impute' && (step.value as number)).toBeCloseTo(mean, 9);
    expect(transform.transform.steps.map((s) => (s.op === 'impute' ? s.column : ''))).toEqual([
      'beak_length_mm',
      'beak_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
    ]);

    const out = run.outputs.out as TableRef;
    expect(out.transforms.map((t) => t.id)).toEqual([run.key]);
    expect(out.columns.find((c) => c.name === 'body_mass_g')?.type).toBe('number');
    const rows = await run.readTable(out);
    expect(emptyCells(rows).map((c) => c.column)).toEqual(Array(11).fill('sex'));
    expect(run.logs.map((l) => l.message)).toContain('filled 8 missing cells in 4 columns (mean)');
  });

  it('drops the rows with a missing value when told to', async () => {
    const run = await runNodeForTest('clean.missing', { strategy: 'drop' }, { in: penguins });
    expect((run.outputs.out as TableRef).rows).toBe(333);
  });

  it('fills the named columns with a constant', async () => {
    const run = await runNodeForTest(
      'clean.missing',
      { strategy: 'constant', columns: ['sex'], value: 'UNKNOWN' },
      { in: penguins },
    );
    const rows = await run.readTable(run.outputs.out);
    expect(rows.filter((r) => r.sex === 'UNKNOWN')).toHaveLength(11);
    expect(rows.filter((r) => r.body_mass_g === null)).toHaveLength(2);
  });

  it('refuses a mean of a text column, naming it', async () => {
    const error = await runNodeForTest('clean.missing', { columns: ['sex'] }, { in: penguins }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'columns', column: 'sex' });
    expect(error.message).toContain('column "sex" holds string values');
  });

  it('asks for a value with the constant strategy and names a column that is not there', async () => {
    const noValue = await runNodeForTest('clean.missing', { strategy: 'constant' }, { in: penguins }).catch((e) => e);
    expect(noValue.failure.param).toBe('value');
    const unknown = await runNodeForTest('clean.missing', { columns: ['weight'] }, { in: penguins }).catch((e) => e);
    expect(unknown.failure).toMatchObject({ param: 'columns', column: 'weight' });
    expect(unknown.message).toContain('column "weight" is not in the table');
  });

  it.each(['penguins', 'diabetes'] as const)(
    'finds and fills exactly the injected and original empty cells of %s_dirty.csv',
    async (name) => {
      const faults = dirtyFaults(name);
      const table = await loadCsvTable(`test/fixtures/data/${name}_dirty.csv`);
      const before = await readTable(table);
      const listed = [...faults.empty_injected, ...faults.empty_original]
        .map(([row, column]) => `${row}:${column}`)
        .sort();
      expect(
        emptyCells(before)
          .map((c) => `${c.row}:${c.column}`)
          .sort(),
      ).toEqual(listed);

      const run = await runNodeForTest('clean.missing', { strategy: 'mode' }, { in: table });
      const after = await run.readTable(run.outputs.out);
      const changed = after.flatMap((row, i) =>
        Object.keys(row)
          .filter((c) => row[c] !== before[i][c])
          .map((c) => `${i}:${c}`),
      );
      expect(changed.sort()).toEqual(listed);
      expect(emptyCells(after)).toEqual([]);
    },
  );
});
