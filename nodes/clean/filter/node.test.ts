import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

describe('clean.filter', () => {
  it('keeps the matching rows in their order; a missing result drops the row', async () => {
    const run = await runNodeForTest(
      'clean.filter',
      { where: "body_mass_g > 4000 AND island <> 'Biscoe'" },
      { in: penguins },
    );
    const kept = await run.readTable(run.outputs.out);
    expect(kept).toEqual(
      rows.filter((r) => r.body_mass_g !== null && (r.body_mass_g as number) > 4000 && r.island !== 'Biscoe'),
    );
    expect(run.logs.map((l) => l.message)).toContain(`kept ${kept.length} of 344 rows`);
  });

  it('keeps the transforms the table carries', async () => {
    const scaled = await runNodeForTest('feature.scale', {}, { in: penguins });
    const run = await runNodeForTest('clean.filter', { where: 'body_mass_g > 0' }, { in: scaled.outputs.out });
    expect((run.outputs.out as TableRef).transforms.map((t) => t.nodeType)).toEqual(['feature.scale']);
  });

  it('names the param and the column of a condition about a column that is not there', async () => {
    const error = await runNodeForTest('clean.filter', { where: 'wingspan > 3' }, { in: penguins }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'where', column: 'wingspan' });
    const syntax = await runNodeForTest('clean.filter', { where: 'body_mass_g >' }, { in: penguins }).catch((e) => e);
    expect(syntax.failure.param).toBe('where');
    expect(syntax.message).toContain('param "where": Parser Error');
  });
});
