import { describe, expect, it } from 'vitest';
import type { ModelBundle, TableRef } from '../../core/index.js';
import { regressionMetrics } from '../../evaluate/regression-metrics.js';
import { predictRows } from '../model-scoring.js';
import { loadCsvTable, loadSplit, NodeRunError, runNodeForTest } from '@pipewright/server/testing';

/** scikit-learn on the same fixed splits (datasets/REFERENCE.md); ames: the min-norm least-squares figure. */
const REFERENCE = { diabetes: 0.4526, cars: 0.8481, ames: 0.8785 };

async function testR2(model: ModelBundle, test: TableRef): Promise<number> {
  const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
  const rows = await scored.readTable(scored.outputs.out);
  const label = model.label as string;
  const truth = Float64Array.from(rows, (r) => r[label] as number);
  const predicted = Float64Array.from(rows, (r) => r.prediction as number);
  return regressionMetrics(truth, predicted).r2;
}

describe('train.linear', () => {
  it.each([
    ['diabetes', 'progression'],
    ['cars', 'Miles_per_Gallon'],
    ['ames', 'Sale_Price'],
  ] as const)('matches scikit-learn on %s: test R² within 0.03', async (name, label) => {
    const { train, test } = await loadSplit(name);
    const run = await runNodeForTest('train.linear', { label }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'linear', task: 'regression', label });
    const r2 = await testR2(model, test);
    expect(r2).toBeGreaterThanOrEqual(REFERENCE[name] - 0.03);
  });

  it('cross-validates with k folds: R², RMSE and MAE as mean ± std', async () => {
    const { train } = await loadSplit('diabetes');
    const run = await runNodeForTest('train.linear', { label: 'progression', folds: 5 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.folds).toBe(5);
    expect(cv.r2.values).toHaveLength(5);
    expect(cv.r2.mean).toBeGreaterThan(0.35);
    expect(cv.rmse.mean).toBeGreaterThan(40);
    const line = run.logs.find((l) => l.message.startsWith('5-fold cross-validation: r2'))?.message;
    expect(line).toMatch(/, rmse [0-9.]+ ± [0-9.]+, mae /);
  });

  it('scores raw request rows (text categories included) exactly as evaluate.score does', async () => {
    const { train, test } = await loadSplit('ames');
    const model = (await runNodeForTest('train.linear', { label: 'Sale_Price' }, { in: train })).outputs
      .model as ModelBundle;
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const rows = (await scored.readTable(scored.outputs.out)).slice(0, 20);
    const requests = rows.map(({ prediction: _, ...row }) => row as Record<string, string | number | null>);
    const served = predictRows(model, requests);
    served.forEach((p, i) => expect(p.prediction as number).toBeCloseTo(rows[i].prediction as number, 6));
  });

  it('refuses a text label, naming the param and the column', async () => {
    const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
    const error = await runNodeForTest('train.linear', { label: 'species' }, { in: penguins }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.failure).toMatchObject({ param: 'label', column: 'species' });
    expect(error.message).toContain('a regressor predicts numbers');
  });

  it('names a feature column that is not in the table', async () => {
    const { train } = await loadSplit('cars');
    const error = await runNodeForTest(
      'train.linear',
      { label: 'Miles_per_Gallon', features: ['Weight', 'Year'] },
      { in: train },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.failure).toMatchObject({ param: 'features', column: 'Weight' });
    expect(error.message).toContain('column "Weight" is not in the table');
  });
});
