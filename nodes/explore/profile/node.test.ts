import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnProfile, MetricsValue, SqlValue, TableProfile, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

async function profile(
  params: Record<string, unknown> = {},
): Promise<{ metrics: MetricsValue; profile: TableProfile }> {
  const run = await runNodeForTest('explore.profile', params, { in: penguins });
  const metrics = run.outputs.metrics as MetricsValue;
  return { metrics, profile: metrics.metrics.profile as unknown as TableProfile };
}

function column(p: TableProfile, name: string): ColumnProfile {
  const found = p.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no profile of ${name}`);
  return found;
}

/** Linear-interpolation quantile, as numpy's default. */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

describe('explore.profile', () => {
  it('reports count, missing, distinct, min/max, mean, sample std and quantiles of a numeric column', async () => {
    const { metrics, profile: p } = await profile();
    expect(metrics.metrics).toMatchObject({ rows: 344, columns: 7, missingCells: 19 });
    const mass = rows.map((r) => r.body_mass_g).filter((v): v is number => typeof v === 'number');
    const sorted = [...mass].sort((a, b) => a - b);
    const mean = mass.reduce((a, b) => a + b, 0) / mass.length;
    const std = Math.sqrt(mass.reduce((a, b) => a + (b - mean) ** 2, 0) / (mass.length - 1));
    const body = column(p, 'body_mass_g');
    expect(body).toMatchObject({
      type: 'number',
      count: 342,
      missing: 2,
      distinct: new Set(mass).size,
      min: sorted[0],
      max: sorted.at(-1),
    });
    expect(body.mean).toBeCloseTo(mean, 9);
    expect(body.std).toBeCloseTo(std, 9);
    for (const [key, at] of [
      ['p5', 0.05],
      ['p25', 0.25],
      ['p50', 0.5],
      ['p75', 0.75],
      ['p95', 0.95],
    ] as const) {
      expect(body.quantiles?.[key]).toBeCloseTo(quantile(sorted, at), 9);
    }
  });

  it('draws an equal-width histogram over the whole range that counts every value', async () => {
    const { profile: p } = await profile({ bins: 8 });
    const flipper = column(p, 'flipper_length_mm');
    expect(flipper.histogram?.counts).toHaveLength(8);
    expect(flipper.histogram?.edges).toHaveLength(9);
    expect(flipper.histogram?.edges[0]).toBe(flipper.min);
    expect(flipper.histogram?.edges[8]).toBe(flipper.max);
    expect(flipper.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(342);
    const width = ((flipper.max as number) - (flipper.min as number)) / 8;
    const inFirst = rows.filter(
      (r) => typeof r.flipper_length_mm === 'number' && r.flipper_length_mm < (flipper.min as number) + width,
    ).length;
    expect(flipper.histogram?.counts[0]).toBe(inFirst);
  });

  it('lists the most frequent values of a text column, and its missing count', async () => {
    const { profile: p } = await profile({ columns: ['species', 'sex'], top: 2 });
    expect(p.columns.map((c) => c.name)).toEqual(['species', 'sex']);
    expect(column(p, 'species')).toMatchObject({
      type: 'string',
      distinct: 3,
      missing: 0,
      min: 'Adelie',
      max: 'Gentoo',
      mean: null,
      histogram: null,
      top: [
        { value: 'Adelie', count: 152 },
        { value: 'Gentoo', count: 124 },
      ],
    });
    expect(column(p, 'sex').missing).toBe(11);
  });

  // A short table's columns are counted together (unpivoted), a long one's a column a query: both as they are.
  it.each([
    { shape: 'short and wide (columns counted together)', rows: 40, columns: 300 },
    { shape: 'long (a column a query)', rows: 6_000, columns: 3 },
  ])(
    'counts the extremes, mean, top values, distinct values and histogram of a $shape table',
    async ({ rows, columns }) => {
      const names = Array.from({ length: columns }, (_, j) => `c${j}`);
      const cell = (i: number, j: number) => (j % 3 === 2 ? ['red', 'green', 'blue'][(i * j) % 3] : (i * (j + 1)) % 17);
      const lines = [
        names.join(','),
        ...Array.from({ length: rows }, (_, i) =>
          names.map((_, j) => ((i + j) % 11 === 0 ? '' : cell(i, j))).join(','),
        ),
      ];
      const run = await runNodeForTest('explore.profile', { top: 3, bins: 4 }, { in: await tableFromCsvLines(lines) });
      const p = (run.outputs.metrics as MetricsValue).metrics.profile as unknown as TableProfile;
      expect(p.columns).toHaveLength(columns);
      for (const [j, name] of names.entries()) {
        const values = Array.from({ length: rows }, (_, i) => i)
          .filter((i) => (i + j) % 11 !== 0)
          .map((i) => cell(i, j));
        const counts = new Map<string | number, number>();
        for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
        const top = [...counts]
          .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
          .slice(0, 3)
          .map(([value, count]) => ({ value, count }));
        const profiled = column(p, name);
        expect(profiled, name).toMatchObject({ missing: rows - values.length, distinct: counts.size, top });
        if (j % 3 === 2) continue;
        const numbers = values as number[];
        const [min, max] = [Math.min(...numbers), Math.max(...numbers)];
        const mean = numbers.reduce((sum, x) => sum + x, 0) / numbers.length;
        expect(profiled, name).toMatchObject({ min, max });
        expect(profiled.mean, name).toBeCloseTo(mean, 9);
        // A column of one value (c16: a multiple of 17 in every row) gets one bar.
        const bars = max > min ? [0, 0, 0, 0] : [0];
        for (const x of numbers) bars[max > min ? Math.min(Math.floor((x - min) / ((max - min) / 4)), 3) : 0]++;
        expect(profiled.histogram?.counts, name).toEqual(bars);
      }
    },
  );

  it('names a column that is not there', async () => {
    const error = await runNodeForTest('explore.profile', { columns: ['wing'] }, { in: penguins }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'columns', column: 'wing' });
  });
});
