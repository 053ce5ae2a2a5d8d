import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnProfile, MetricsValue, SqlValue, TableProfile, TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

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

  it('names a column that is not there', async () => {
    const error = await runNodeForTest('explore.profile', { columns: ['wing'] }, { in: penguins }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'columns', column: 'wing' });
  });
});
