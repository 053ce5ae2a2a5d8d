import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, NodeRunError, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

const key = (row: Record<string, SqlValue>) => JSON.stringify(row);

describe('sample.rows', () => {
  it('keeps a fraction of the rows, the same ones for the same seed, in their original order', async () => {
    const run = await runNodeForTest('sample.rows', { fraction: 0.25, seed: 3 }, { in: penguins });
    const kept = await run.readTable(run.outputs.out);
    expect(kept).toHaveLength(86); // floor(344 × 0.25)
    expect(run.outputs.out).toMatchObject({ rows: 86, sample: { kept: 86, of: 344, readPart: false } });
    expect(run.logs.map((line) => line.message)).toContain('kept 86 of 344 rows');
    const positions = kept.map((row) => rows.findIndex((candidate) => key(candidate) === key(row)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    const again = await runNodeForTest('sample.rows', { fraction: 0.25, seed: 3 }, { in: penguins });
    expect((await again.readTable(again.outputs.out)).map(key)).toEqual(kept.map(key));
    const other = await runNodeForTest('sample.rows', { fraction: 0.25, seed: 4 }, { in: penguins });
    expect((await other.readTable(other.outputs.out)).map(key)).not.toEqual(kept.map(key));
  });

  it('keeps every class share within one row when stratified', async () => {
    const run = await runNodeForTest('sample.rows', { rows: 100, stratify: 'species' }, { in: penguins });
    const kept = await run.readTable(run.outputs.out);
    expect(kept).toHaveLength(100);
    for (const species of ['Adelie', 'Chinstrap', 'Gentoo']) {
      const inTable = rows.filter((row) => row.species === species).length;
      const inSample = kept.filter((row) => row.species === species).length;
      expect(Math.abs(inSample - (inTable * 100) / 344)).toBeLessThanOrEqual(1);
    }
    // sex has missing values: they form a stratum of their own.
    const bySex = await runNodeForTest('sample.rows', { fraction: 0.5, stratify: 'sex' }, { in: penguins });
    const keptBySex = await bySex.readTable(bySex.outputs.out);
    expect(keptBySex).toHaveLength(172);
    const missing = rows.filter((row) => row.sex === null).length;
    expect(Math.abs(keptBySex.filter((row) => row.sex === null).length - missing / 2)).toBeLessThanOrEqual(1);
  });

  it('keeps all rows when asked for more than there are', async () => {
    const run = await runNodeForTest('sample.rows', { rows: 1000 }, { in: penguins });
    expect(run.outputs.out).toMatchObject({ rows: 344, sample: { kept: 344, of: 344 } });
  });

  it('names what is wrong: a missing stratify column, a fraction and rows together', async () => {
    const missing = await runNodeForTest('sample.rows', { stratify: 'wing' }, { in: penguins }).catch((e) => e);
    expect(missing).toBeInstanceOf(NodeRunError);
    expect(missing.failure).toMatchObject({ param: 'stratify', column: 'wing' });
    const both = await runNodeForTest('sample.rows', { fraction: 0.1, rows: 5 }, { in: penguins }).catch((e) => e);
    expect(both.failure).toMatchObject({ param: 'rows' });
    const zero = await runNodeForTest('sample.rows', { fraction: 0 }, { in: penguins }).catch((e) => e);
    expect(zero.failure).toMatchObject({ param: 'fraction' });
  });
});
