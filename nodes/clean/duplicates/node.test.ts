import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, REPO_ROOT, runNodeForTest } from '@pipewright/server/testing';
import { dirtyFaults } from '../../../test/fixtures/data/dirty-faults.js';

let dirty: TableRef;
let dirtyRows: Record<string, SqlValue>[];

beforeAll(async () => {
  dirty = await loadCsvTable('test/fixtures/data/penguins_dirty.csv');
  dirtyRows = await readTable(dirty);
});

describe('clean.duplicates', () => {
  it('drops the 10 duplicated rows of penguins_dirty.csv, keeping the first copies in order', async () => {
    const run = await runNodeForTest('clean.duplicates', {}, { in: dirty });
    const out = run.outputs.out as TableRef;
    expect(dirty.rows).toBe(354);
    expect(out.rows).toBe(344);
    // The fault log of the dataset lists each duplicate as [first copy, later copy] (0-based data rows).
    const faults = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/data/penguins_dirty.json'), 'utf8')) as {
      duplicates: { pairs_first_then_copy: [number, number][] };
    };
    const copies = new Set(faults.duplicates.pairs_first_then_copy.map(([, copy]) => copy));
    expect(await run.readTable(out)).toEqual(dirtyRows.filter((_, i) => !copies.has(i)));
    expect(run.logs.map((l) => l.message)).toContain('dropped 10 duplicate rows of 354');
  });

  it('drops exactly the 13 injected copies of diabetes_dirty.csv', async () => {
    const faults = dirtyFaults('diabetes');
    const table = await loadCsvTable('test/fixtures/data/diabetes_dirty.csv');
    const rows = await readTable(table);
    const run = await runNodeForTest('clean.duplicates', {}, { in: table });
    const copies = new Set(faults.duplicates.pairs_first_then_copy.map(([, copy]) => copy));
    expect(copies.size).toBe(13);
    expect(await run.readTable(run.outputs.out)).toEqual(rows.filter((_, i) => !copies.has(i)));
  });

  it('compares only the named columns', async () => {
    const run = await runNodeForTest('clean.duplicates', { columns: ['species'] }, { in: dirty });
    const rows = await run.readTable(run.outputs.out);
    expect(rows.map((r) => r.species)).toEqual([...new Set(dirtyRows.map((r) => r.species))]);
  });

  it('names a column the table does not have', async () => {
    const error = await runNodeForTest('clean.duplicates', { columns: ['colour'] }, { in: dirty }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'columns', column: 'colour' });
  });
});
