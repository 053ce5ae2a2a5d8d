import { beforeAll, describe, expect, it } from 'vitest';
import { applyStepsToRow, type SqlValue, type TableRef, type TransformValue } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

describe('feature.onehot', () => {
  it('replaces each text column with one 0/1 column per category; missing gives all zeros', async () => {
    const run = await runNodeForTest('feature.onehot', {}, { in: penguins });
    const out = run.outputs.out as TableRef;
    const names = out.columns.map((c) => c.name);
    expect(names).not.toContain('species');
    expect(names).toEqual(
      expect.arrayContaining([
        'species_Adelie',
        'species_Chinstrap',
        'species_Gentoo',
        'island_Biscoe',
        'island_Dream',
        'island_Torgersen',
        'sex_FEMALE',
        'sex_MALE',
      ]),
    );
    const encoded = await run.readTable(out);
    encoded.forEach((row, i) => {
      expect(row[`species_${String(rows[i].species)}`]).toBe(1);
      expect(Number(row.sex_FEMALE) + Number(row.sex_MALE)).toBe(rows[i].sex === null ? 0 : 1);
    });
  });

  it('keeps the most frequent maxCategories and puts the rest in <column>_other', async () => {
    const run = await runNodeForTest('feature.onehot', { columns: ['species'], maxCategories: 2 }, { in: penguins });
    const step = (run.outputs.transform as TransformValue).transform.steps[0];
    // penguins.csv: 152 Adelie, 124 Gentoo, 68 Chinstrap.
    expect(step).toEqual({ op: 'onehot', column: 'species', categories: ['Adelie', 'Gentoo'], other: true });
    const encoded = await run.readTable(run.outputs.out);
    expect(encoded.filter((r) => r.species_other === 1)).toHaveLength(68);
  });

  it('gives an unseen category all zeros when scoring, in SQL and row by row alike', async () => {
    const fit = await runNodeForTest('feature.onehot', { columns: ['island'] }, { in: penguins });
    const unseen = await runNodeForTest(
      'clean.sql',
      {
        query: "SELECT * REPLACE ('Atlantis' AS island) FROM input LIMIT 3",
      },
      { in: penguins },
    );
    const applied = await runNodeForTest(
      'transform.apply',
      {},
      { transform: fit.outputs.transform, in: unseen.outputs.out },
    );
    const [row] = await applied.readTable(applied.outputs.out);
    expect([row.island_Biscoe, row.island_Dream, row.island_Torgersen]).toEqual([0, 0, 0]);
    const steps = (fit.outputs.transform as TransformValue).transform.steps;
    expect(applyStepsToRow(steps, { island: 'Atlantis' })).toEqual({
      island_Biscoe: 0,
      island_Dream: 0,
      island_Torgersen: 0,
    });
  });

  it('refuses a fractional numeric column, naming it', async () => {
    const error = await runNodeForTest('feature.onehot', { columns: ['beak_length_mm'] }, { in: penguins }).catch(
      (e) => e,
    );
    expect(error.failure).toMatchObject({ param: 'columns', column: 'beak_length_mm' });
  });

  it('refuses to add a column the table already has, naming both', async () => {
    const clash = await runNodeForTest(
      'feature.expression',
      { name: 'island_Dream', expression: 'body_mass_g / 1000' },
      { in: penguins },
    );
    const error = await runNodeForTest('feature.onehot', { columns: ['island'] }, { in: clash.outputs.out }).catch(
      (e) => e,
    );
    expect(error.message).toContain('encoding "island" would add column "island_Dream", which the table already has');
    expect(error.failure).toMatchObject({ param: 'columns', column: 'island' });
  });
});
