import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue, TableRef, TransformValue } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

function values(column: string, from = rows): number[] {
  return from.map((r) => r[column]).filter((v): v is number => typeof v === 'number');
}

/** Linear-interpolation quantile, as numpy's default. */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

describe('feature.scale', () => {
  it('standardises with the population std, as scikit-learn’s StandardScaler: mean 0, std 1', async () => {
    const run = await runNodeForTest('feature.scale', { columns: ['body_mass_g'] }, { in: penguins });
    const mass = values('body_mass_g');
    const mean = mass.reduce((a, b) => a + b, 0) / mass.length;
    const std = Math.sqrt(mass.reduce((a, b) => a + (b - mean) ** 2, 0) / mass.length);
    const { transform } = run.outputs.transform as TransformValue;
    expect(transform.steps).toHaveLength(1);
    expect(transform.steps[0]).toMatchObject({ op: 'scale', column: 'body_mass_g' });
    const step = transform.steps[0];
    if (step.op !== 'scale') return;
    expect(step.center).toBeCloseTo(mean, 9);
    expect(step.scale).toBeCloseTo(std, 9);
    const out = await run.readTable(run.outputs.out);
    const scaled = values('body_mass_g', out);
    expect(scaled.reduce((a, b) => a + b, 0) / scaled.length).toBeCloseTo(0, 9);
    expect(out.filter((r) => r.body_mass_g === null)).toHaveLength(2);
    expect(out[0].beak_length_mm).toBe(rows[0].beak_length_mm);
  });

  it('min-max scales the fitted range onto 0…1', async () => {
    const run = await runNodeForTest('feature.scale', { method: 'min-max' }, { in: penguins });
    const out = await run.readTable(run.outputs.out);
    for (const column of ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g']) {
      expect(Math.min(...values(column, out))).toBe(0);
      expect(Math.max(...values(column, out))).toBeCloseTo(1, 12);
    }
    expect((run.outputs.out as TableRef).columns.map((c) => c.name)).toEqual(penguins.columns.map((c) => c.name));
  });

  it('robust scales by median and IQR (linear-interpolation quartiles)', async () => {
    const run = await runNodeForTest(
      'feature.scale',
      { method: 'robust', columns: ['flipper_length_mm'] },
      { in: penguins },
    );
    const sorted = values('flipper_length_mm').sort((a, b) => a - b);
    const step = (run.outputs.transform as TransformValue).transform.steps[0];
    expect(step).toMatchObject({
      op: 'scale',
      center: quantile(sorted, 0.5),
      scale: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    });
  });

  it('refuses a text column, naming it', async () => {
    const error = await runNodeForTest('feature.scale', { columns: ['species'] }, { in: penguins }).catch((e) => e);
    expect(error.failure).toMatchObject({ param: 'columns', column: 'species' });
    expect(error.message).toContain('column "species" holds string values, not numbers');
  });
});
