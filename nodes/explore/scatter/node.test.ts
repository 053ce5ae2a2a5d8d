import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsValue, SqlValue, TableRef } from '../../core/index.js';
import { loadCsvTable, NodeRunError, readTable, runNodeForTest } from '@pipewright/server/testing';
import type { ScatterReport } from './description.js';

let penguins: TableRef;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  rows = await readTable(penguins);
});

async function scatter(params: Record<string, unknown>): Promise<ScatterReport> {
  const run = await runNodeForTest('explore.scatter', params, { in: penguins });
  return (run.outputs.metrics as MetricsValue).metrics.scatter as unknown as ScatterReport;
}

describe('explore.scatter', () => {
  it('samples at most `sample` points, each the values of its own input row', async () => {
    const report = await scatter({ x: 'beak_length_mm', y: 'beak_depth_mm', color: 'species', sample: 100 });
    expect(report).toMatchObject({
      plotted: ['beak_length_mm', 'beak_depth_mm'],
      color: 'species',
      colorType: 'string',
      sampleRows: 100,
      rows: 344,
    });
    expect(report.shown.slice(0, 3)).toEqual(['beak_length_mm', 'beak_depth_mm', 'species']);
    expect(report.values.species).toHaveLength(100);
    for (const [i, rowNumber] of report.rowNumbers.entries()) {
      const row = rows[rowNumber - 1];
      expect(report.values.beak_length_mm[i]).toBe(row.beak_length_mm);
      expect(report.values.species[i]).toBe(row.species);
      expect(report.values.island[i]).toBe(row.island);
    }
    expect(new Set(report.rowNumbers).size).toBe(100);
    expect(await scatter({ x: 'beak_length_mm', y: 'beak_depth_mm', sample: 100 })).toMatchObject({
      rowNumbers: report.rowNumbers,
    });
  });

  it('draws a scatter matrix of up to six columns, all rows when they are fewer than the sample', async () => {
    const report = await scatter({ columns: ['beak_length_mm', 'flipper_length_mm', 'body_mass_g'] });
    expect(report.plotted).toHaveLength(3);
    expect(report.sampleRows).toBe(344);
  });

  it('names a text column given as an axis, and a missing colour column', async () => {
    const text = await runNodeForTest('explore.scatter', { x: 'island', y: 'body_mass_g' }, { in: penguins }).catch(
      (e) => e,
    );
    expect(text).toBeInstanceOf(NodeRunError);
    expect(text.failure).toMatchObject({ param: 'x', column: 'island' });
    const colour = await runNodeForTest('explore.scatter', { color: 'wing' }, { in: penguins }).catch((e) => e);
    expect(colour.failure).toMatchObject({ param: 'color', column: 'wing' });
  });
});
