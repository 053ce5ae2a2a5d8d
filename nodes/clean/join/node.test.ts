import { beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { loadCsvTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let left: TableRef;
let right: TableRef;

async function sql(query: string, input: TableRef = penguins): Promise<TableRef> {
  const run = await runNodeForTest('clean.sql', { query }, { in: input }, { useCache: true });
  return run.outputs.out as TableRef;
}

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  // Islands per species on the left; a lookup of island facts, one of them unmatched, on the right.
  left = await sql(
    "SELECT * FROM (VALUES ('a', 'Biscoe', 1), ('b', 'Dream', 2), ('c', 'Mars', 3)) AS t(id, island, n)",
  );
  right = await sql(
    "SELECT * FROM (VALUES ('Dream', 10.5, 'x'), ('Biscoe', 20.0, 'y'), ('Torgersen', 30.0, 'z')) AS t(island, area, n)",
  );
});

async function join(how: string): Promise<Record<string, unknown>[]> {
  const run = await runNodeForTest('clean.join', { on: ['island'], how }, { left, right });
  return run.readTable(run.outputs.out);
}

describe('clean.join', () => {
  it('inner: matched rows only, in left order, keys once, a clashing right name suffixed _right', async () => {
    expect(await join('inner')).toEqual([
      { island: 'Biscoe', id: 'a', n: 1, area: 20, n_right: 'y' },
      { island: 'Dream', id: 'b', n: 2, area: 10.5, n_right: 'x' },
    ]);
  });

  it('left, right and full keep the unmatched rows of their side with the other side missing', async () => {
    expect((await join('left')).map((r) => [r.island, r.area])).toEqual([
      ['Biscoe', 20],
      ['Dream', 10.5],
      ['Mars', null],
    ]);
    expect((await join('right')).map((r) => [r.island, r.id])).toEqual([
      ['Biscoe', 'a'],
      ['Dream', 'b'],
      ['Torgersen', null],
    ]);
    expect((await join('full')).map((r) => r.island)).toEqual(['Biscoe', 'Dream', 'Mars', 'Torgersen']);
  });

  it('joins a real table with a lookup: every penguin gets its island’s row', async () => {
    const run = await runNodeForTest('clean.join', { on: ['island'], how: 'left' }, { left: penguins, right });
    const rows = await run.readTable(run.outputs.out);
    expect(rows).toHaveLength(344);
    expect(rows.filter((r) => r.island === 'Torgersen').every((r) => r.area === 30)).toBe(true);
  });

  it('names a key missing on one side, or of different types', async () => {
    const missing = await runNodeForTest('clean.join', { on: ['id'] }, { left, right }).catch((e) => e);
    expect(missing.failure).toMatchObject({ param: 'on', column: 'id' });
    expect(missing.message).toContain('key "id" is not a column of the right table');
    const types = await runNodeForTest('clean.join', { on: ['n'] }, { left, right }).catch((e) => e);
    expect(types.message).toContain('key "n" holds number values on the left but string values on the right');
  });
});
