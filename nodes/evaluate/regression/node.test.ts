import { describe, expect, it } from 'vitest';
import type { MetricsValue, TableRef } from '../../core/index.js';
import { loadSplit, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';

async function metricsOf(table: TableRef, params: Record<string, unknown> = {}): Promise<MetricsValue['metrics']> {
  return ((await runNodeForTest('evaluate.regression', params, { in: table })).outputs.metrics as MetricsValue).metrics;
}

describe('evaluate.regression', () => {
  it('computes MAE, RMSE, R² and residuals of an example worked by hand', async () => {
    // truth 1 2 3 4, predicted 2 2 2 4: errors -1 0 1 0; mean 2.5, total sum of squares 5.
    const table = await tableFromCsvLines(['y,prediction', '1,2', '2,2', '3,2', '4,4', ',3']);
    const run = await runNodeForTest('evaluate.regression', { label: 'y' }, { in: table });
    const m = (run.outputs.metrics as MetricsValue).metrics;
    expect(m.rows).toBe(4);
    expect(m.mae).toBe(0.5);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(m.r2).toBeCloseTo(1 - 2 / 5, 12);
    expect(m.residuals).toEqual([
      { actual: 1, predicted: 2, residual: -1 },
      { actual: 2, predicted: 2, residual: 0 },
      { actual: 3, predicted: 2, residual: 1 },
      { actual: 4, predicted: 4, residual: 0 },
    ]);
    expect(run.logs.some((l) => l.level === 'warn' && l.message.includes('left out 1 rows'))).toBe(true);
    // Always predicting the mean 2.5: errors 1.5 0.5 0.5 1.5.
    expect(m.baselineR2).toBe(0);
    expect(m.baselineMae).toBe(1);
    expect(m.baselineRmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
  });

  it('warns when the model does no better than always predicting the mean', async () => {
    const table = await tableFromCsvLines(['y,prediction', '1,4', '2,3', '3,2', '4,1']);
    const run = await runNodeForTest('evaluate.regression', { label: 'y' }, { in: table });
    expect((run.outputs.metrics as MetricsValue).metrics.r2).toBeLessThan(0);
    expect(
      run.logs.some((l) => l.level === 'warn' && l.message.includes('does not beat always predicting the mean')),
    ).toBe(true);
  });

  it('takes the label from the model that scored the table, and matches scikit-learn’s kNN on cars', async () => {
    const { train, test } = await loadSplit('cars');
    // The reference protocol fills missing horsepower with the training median.
    const filled = (await runNodeForTest('clean.missing', { strategy: 'median' }, { in: train })).outputs.out;
    const model = (await runNodeForTest('train.knn', { label: 'Miles_per_Gallon' }, { in: filled })).outputs.model;
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const m = await metricsOf(scored.outputs.out as TableRef);
    // scikit-learn: R² 0.8994, RMSE 2.3258, MAE 1.8593.
    expect(m.r2).toBeCloseTo(0.8994, 3);
    expect(m.rmse).toBeCloseTo(2.3258, 3);
    expect(m.mae).toBeCloseTo(1.8593, 3);
    expect((m.residuals as unknown[]).length).toBe(80);
  });

  it('asks for the label when the table does not say, and refuses text columns, naming them', async () => {
    const table = await tableFromCsvLines(['y,prediction,kind', '1,2,a', '2,2,b']);
    const unnamed = await runNodeForTest('evaluate.regression', {}, { in: table }).catch((e) => e);
    expect(unnamed.failure.param).toBe('label');
    const text = await runNodeForTest('evaluate.regression', { label: 'kind' }, { in: table }).catch((e) => e);
    expect(text.failure).toMatchObject({ param: 'label', column: 'kind' });
    expect(text.failure.message).toContain('evaluate.classification');
  });
});
