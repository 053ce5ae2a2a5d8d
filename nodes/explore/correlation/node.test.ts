import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsValue, TableRef } from '../../core/index.js';
import { loadCsvTable, NodeRunError, readTable, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';
import type { CorrelationReport } from './description.js';

let penguins: TableRef;

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
});

async function correlate(
  table: TableRef,
  params: Record<string, unknown> = {},
): Promise<{ report: CorrelationReport; logs: string[] }> {
  const run = await runNodeForTest('explore.correlation', params, { in: table });
  const metrics = (run.outputs.metrics as MetricsValue).metrics;
  return { report: metrics.correlation as unknown as CorrelationReport, logs: run.logs.map((line) => line.message) };
}

function cell(report: CorrelationReport, matrix: 'pearson' | 'spearman', a: string, b: string): number | null {
  return report[matrix]![report.columns.indexOf(a)][report.columns.indexOf(b)];
}

describe('explore.correlation', () => {
  it("gives DuckDB's corr() for every pair of the penguins' numeric columns", async () => {
    const { report } = await correlate(penguins);
    const numeric = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];
    expect(report.columns).toEqual(numeric);
    const pairs = numeric.flatMap((a, i) => numeric.slice(i + 1).map((b) => [a, b] as const));
    const query = `SELECT ${pairs.map(([a, b], i) => `corr(${a}, ${b}) AS r${i}`).join(', ')} FROM input`;
    const expected = (await readTable((await runNodeForTest('clean.sql', { query }, { in: penguins })).outputs.out))[0];
    for (const [i, [a, b]] of pairs.entries()) {
      expect(cell(report, 'pearson', a, b)).toBeCloseTo(expected[`r${i}`] as number, 12);
      expect(cell(report, 'pearson', b, a)).toBe(cell(report, 'pearson', a, b));
    }
    expect(cell(report, 'pearson', 'body_mass_g', 'body_mass_g')).toBe(1);
    // flipper length and body mass go together most of all (r ≈ 0.87).
    expect(report.strongest[0]).toMatchObject({ a: 'flipper_length_mm', b: 'body_mass_g' });
    expect(report.strongest[0].pearson).toBeCloseTo(0.871, 3);
    expect(report).toMatchObject({ rows: 344, sampleRows: 344 });
  });

  it('ranks ties by their average rank for Spearman, as worked out by hand', async () => {
    // x = 1..5, y swaps neighbours: Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8.
    // z ties (1,1,2,3,3 → ranks 1.5,1.5,3,4.5,4.5): ρ(x, z) = 9 / √(10·9) = 0.948683.
    const table = await tableFromCsvLines(['x,y,z', '1,2,1', '2,1,1', '3,4,2', '4,3,3', '5,5,3']);
    const { report } = await correlate(table);
    expect(cell(report, 'spearman', 'x', 'y')).toBeCloseTo(0.8, 12);
    expect(cell(report, 'spearman', 'x', 'z')).toBeCloseTo(9 / Math.sqrt(90), 12);
    expect(cell(report, 'pearson', 'x', 'y')).toBeCloseTo(0.8, 12);
  });

  it("measures each column against a categorical label with Cramér's V", async () => {
    const table = await tableFromCsvLines([
      'colour,shape,size,label',
      'red,round,1,a',
      'red,square,2,a',
      'blue,round,3,b',
      'blue,square,4,b',
      'red,round,1,a',
      'blue,square,4,b',
    ]);
    const { report } = await correlate(table, { label: 'label' });
    const of = (column: string) => report.association.find((entry) => entry.column === column);
    // colour decides the label; shape is independent of it (2 × 2, equal counts).
    expect(of('colour')).toMatchObject({ measure: 'cramersV', value: 1 });
    expect(of('shape')?.value).toBeCloseTo(1 / 3, 12);
    expect(report.association[0].column).toBe('colour');
  });

  it('correlates numbers with a numeric label', async () => {
    const { report } = await correlate(penguins, { label: 'body_mass_g', columns: ['flipper_length_mm', 'island'] });
    expect(report.columns).toEqual(['flipper_length_mm']);
    expect(report.association.find((entry) => entry.column === 'flipper_length_mm')).toMatchObject({
      measure: 'pearson',
    });
    expect(report.association.find((entry) => entry.column === 'flipper_length_mm')?.value).toBeCloseTo(0.871, 3);
    expect(report.association.find((entry) => entry.column === 'island')?.measure).toBe('cramersV');
  });

  it('uses a seeded sample above sampleAbove rows, and says so', async () => {
    const lines = ['a,b', ...Array.from({ length: 1500 }, (_, i) => `${i},${(i * 7919) % 1500}`)];
    const table = await tableFromCsvLines(lines);
    const { report, logs } = await correlate(table, { sampleAbove: 1000 });
    expect(report).toMatchObject({ rows: 1500, sampleRows: 1000 });
    expect(logs.join('\n')).toContain('seeded sample of 1000');
  });

  it('names a missing column and a text column given to correlate', async () => {
    const missing = await runNodeForTest('explore.correlation', { label: 'wing' }, { in: penguins }).catch((e) => e);
    expect(missing).toBeInstanceOf(NodeRunError);
    expect(missing.failure).toMatchObject({ param: 'label', column: 'wing' });
    const text = await runNodeForTest(
      'explore.correlation',
      { columns: ['island', 'body_mass_g'] },
      { in: penguins },
    ).catch((e) => e);
    expect(text.failure).toMatchObject({ param: 'columns', column: 'island' });
  });
});
