import { beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';
import { rowHash } from '../../core/row-hash.js';

let people: TableRef;

beforeAll(async () => {
  // 1000 rows, ids 1..1000, 70 % in group A.
  people = await tableFromCsvLines([
    'id,grp,score',
    ...Array.from({ length: 1000 }, (_, i) => `${i + 1},${i % 10 < 7 ? 'A' : 'B'},${(i * 37) % 101}`),
  ]);
});

async function ids(table: TableRef): Promise<number[]> {
  return (await readTable(table)).map((row) => Number(row.id));
}

describe('split.random', () => {
  it('gives 80 % of the rows to train, the rest to test, each in the original order', async () => {
    const run = await runNodeForTest('split.random', {}, { in: people });
    const train = run.outputs.train as TableRef;
    const test = run.outputs.test as TableRef;
    expect([train.rows, test.rows]).toEqual([800, 200]);
    const trainIds = await ids(train);
    const testIds = await ids(test);
    expect(trainIds).toEqual([...trainIds].sort((a, b) => a - b));
    expect(new Set([...trainIds, ...testIds]).size).toBe(1000);
    expect(train.columns.map((c) => c.name)).toEqual(['id', 'grp', 'score']);
  });

  it('is the seeded hash order: the same rows as rowHash computes outside DuckDB', async () => {
    const run = await runNodeForTest('split.random', { seed: 7, fraction: 0.25 }, { in: people });
    const expected = Array.from({ length: 1000 }, (_, i) => i + 1)
      .sort((a, b) => rowHash(a, 7) - rowHash(b, 7) || a - b)
      .slice(0, 250)
      .sort((a, b) => a - b);
    expect(await ids(run.outputs.train as TableRef)).toEqual(expected);
    const negative = await runNodeForTest('split.random', { seed: -12345, fraction: 0.1 }, { in: people });
    const expectedNegative = Array.from({ length: 1000 }, (_, i) => i + 1)
      .sort((a, b) => rowHash(a, -12345) - rowHash(b, -12345) || a - b)
      .slice(0, 100)
      .sort((a, b) => a - b);
    expect(await ids(negative.outputs.train as TableRef)).toEqual(expectedNegative);
  });

  it('keeps the input order on both sides of a table DuckDB reads with several threads, as the stratified form picks its rows', async () => {
    // 300,000 rows: several row groups, so a side that is not kept in order would come back shuffled.
    const many = await tableFromCsvLines(['id,grp', ...Array.from({ length: 300_000 }, (_, i) => `${i + 1},A`)]);
    const plain = await runNodeForTest('split.random', { seed: 11, fraction: 0.7 }, { in: many });
    // One stratum: the stratified form (a sort per stratum, then back to row order) must choose the same rows.
    const oneStratum = await runNodeForTest('split.random', { seed: 11, fraction: 0.7, stratify: 'grp' }, { in: many });
    for (const side of ['train', 'test'] as const) {
      const got = await ids(plain.outputs[side] as TableRef);
      expect(got.length).toBe(side === 'train' ? 210_000 : 90_000);
      expect(got.every((id, i) => i === 0 || id > got[i - 1])).toBe(true);
      expect(got).toEqual(await ids(oneStratum.outputs[side] as TableRef));
    }
  });

  it('is deterministic for a seed and changes with it', async () => {
    const first = await ids(
      (await runNodeForTest('split.random', { seed: 1 }, { in: people })).outputs.test as TableRef,
    );
    const again = await ids(
      (await runNodeForTest('split.random', { seed: 1 }, { in: people })).outputs.test as TableRef,
    );
    const other = await ids(
      (await runNodeForTest('split.random', { seed: 2 }, { in: people })).outputs.test as TableRef,
    );
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('keeps each stratum’s share on both sides', async () => {
    const run = await runNodeForTest('split.random', { fraction: 0.8, stratify: 'grp' }, { in: people });
    const count = async (table: TableRef, group: string): Promise<number> =>
      (await readTable(table)).filter((row) => row.grp === group).length;
    expect(await count(run.outputs.train as TableRef, 'A')).toBe(560);
    expect(await count(run.outputs.train as TableRef, 'B')).toBe(240);
    expect(await count(run.outputs.test as TableRef, 'A')).toBe(140);
    expect(await count(run.outputs.test as TableRef, 'B')).toBe(60);
  });

  it('splits breast_cancer.csv stratified by diagnosis like scikit-learn sizes it: 455 train, 114 test', async () => {
    const cancer = await loadCsvTable('examples/data/breast_cancer.csv');
    const run = await runNodeForTest('split.random', { stratify: 'diagnosis' }, { in: cancer });
    const train = await readTable(run.outputs.train);
    expect(train).toHaveLength(455);
    expect((run.outputs.test as TableRef).rows).toBe(114);
    const malignant = train.filter((row) => row.diagnosis === 'malignant').length;
    expect(Math.abs(malignant / 455 - 212 / 569)).toBeLessThan(0.003);
  });

  it('keeps the transforms the input carries', async () => {
    const imputed = await runNodeForTest('clean.missing', {}, { in: people });
    const run = await runNodeForTest('split.random', {}, { in: imputed.outputs.out });
    expect((run.outputs.test as TableRef).transforms.map((t) => t.id)).toEqual([imputed.key]);
  });

  it('names a stratify column the table does not have', async () => {
    const error = await runNodeForTest('split.random', { stratify: 'label' }, { in: people }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'stratify', column: 'label' });
  });
});
