import { describe, expect, it } from 'vitest';
import type { MetricsValue, ModelBundle, TableRef } from '../../core/index.js';
import { loadCsvTable, runNodeForTest } from '../../../server/src/runtime/testing.js';

async function split(name: string): Promise<{ train: TableRef; test: TableRef }> {
  return {
    train: await loadCsvTable(`test/fixtures/data/splits/${name}.train.csv`),
    test: await loadCsvTable(`test/fixtures/data/splits/${name}.test.csv`),
  };
}

async function testMetrics(model: ModelBundle, test: TableRef): Promise<MetricsValue['metrics']> {
  const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
  return (
    (await runNodeForTest('evaluate.classification', {}, { in: scored.outputs.out })).outputs.metrics as MetricsValue
  ).metrics;
}

describe('train.naivebayes', () => {
  it.each([
    ['iris', 'species', 0.9667, 0.142],
    ['breast_cancer', 'diagnosis', 0.9386, 0.4086],
  ] as const)(
    'matches scikit-learn’s GaussianNB on %s (accuracy and log loss)',
    async (name, label, accuracy, logLoss) => {
      const { train, test } = await split(name);
      const model = (await runNodeForTest('train.naivebayes', { label }, { in: train })).outputs.model as ModelBundle;
      const m = await testMetrics(model, test);
      expect(m.accuracy).toBeCloseTo(accuracy, 4);
      expect(m.logLoss).toBeCloseTo(logLoss, 3);
    },
  );

  it('cross-validates with k folds (stratified): accuracy, F1 and log loss as mean ± std', async () => {
    const { train } = await split('wine');
    const run = await runNodeForTest('train.naivebayes', { label: 'cultivar', folds: 5 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(5);
    expect(cv.accuracy.mean).toBeGreaterThan(0.9);
    expect(cv.logLoss.values).toHaveLength(5);
  });

  it('is a classifier only: a continuous label is refused, naming it', async () => {
    const { train } = await split('diabetes');
    const failure = await runNodeForTest('train.naivebayes', { label: 'bmi' }, { in: train }).catch((e) => e);
    expect(failure.failure).toMatchObject({ param: 'label', column: 'bmi' });
  });
});
