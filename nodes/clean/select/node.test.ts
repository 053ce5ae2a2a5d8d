import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

describe('clean.select', () => {
  it('keeps the included columns in order, drops excluded ones, renames and casts', async () => {
    const run = await runNodeForTest(
      'clean.select',
      {
        include: ['species', 'body_mass_g', 'island', 'sex'],
        exclude: ['sex'],
        rename: { body_mass_g: 'mass' },
        cast: { body_mass_g: 'string' },
      },
      { in: penguins },
    );
    const out = run.outputs.out as TableRef;
    expect(out.columns.map((c) => [c.name, c.type])).toEqual([
      ['species', 'string'],
      ['mass', 'string'],
      ['island', 'string'],
    ]);
    const result = await run.readTable(out);
    expect(result[0]).toEqual({ species: rows[0].species, mass: '3750.0', island: rows[0].island });
  });

  it('drops the excluded columns from all when include is empty', async () => {
    const run = await runNodeForTest('clean.select', { exclude: ['species'] }, { in: penguins });
    expect((run.outputs.out as TableRef).columns.map((c) => c.name)).toEqual(
      penguins.columns.map((c) => c.name).filter((n) => n !== 'species'),
    );
  });

  it('names the column and row of a value that cannot take the new type', async () => {
    const error = await runNodeForTest('clean.select', { cast: { island: 'number' } }, { in: penguins }).catch(
      (e) => e,
    );
    expect(error.failure).toMatchObject({ param: 'cast', column: 'island', row: 1 });
    expect(error.message).toContain('column "island", row 1: "Torgersen" cannot be read as number');
  });

  it('names a missing column, a name clash and an empty result', async () => {
    const absent = await runNodeForTest('clean.select', { include: ['wing'] }, { in: penguins }).catch((e) => e);
    expect(absent.failure).toMatchObject({ param: 'include', column: 'wing' });
    const clash = await runNodeForTest('clean.select', { rename: { sex: 'island' } }, { in: penguins }).catch((e) => e);
    expect(clash.failure).toMatchObject({ param: 'rename', column: 'island' });
    const empty = await runNodeForTest('clean.select', { include: ['sex'], exclude: ['sex'] }, { in: penguins }).catch(
      (e) => e,
    );
    expect(empty.failure.param).toBe('exclude');
  });
});
