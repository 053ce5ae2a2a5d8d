import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { loadSplit, runNodeForTest, testMetrics } from '@pipewright/server/testing';

describe('train.naivebayes', () => {
  it.each([
    ['iris', 'species', 0.9667, 0.142],
    ['breast_cancer', 'diagnosis', 0.9386, 0.4086],
  ] as const)(
    'matches scikit-learn’s GaussianNB on %s (accuracy and log loss)',
    async (name, label, accuracy, logLoss) => {
      const { train, test } = await loadSplit(name);
      const model = (await runNodeForTest('train.naivebayes', { label }, { in: train })).outputs.model as ModelBundle;
      const m = await testMetrics(model, test);
      expect(m.accuracy).toBeCloseTo(accuracy, 4);
      expect(m.logLoss).toBeCloseTo(logLoss, 3);
    },
  );

  it('cross-validates with k folds (stratified): accuracy, F1 and log loss as mean ± std', async () => {
    const { train } = await loadSplit('wine');
    const run = await runNodeForTest('train.naivebayes', { label: 'cultivar', folds: 5 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(5);
    expect(cv.accuracy.mean).toBeGreaterThan(0.9);
    expect(cv.logLoss.values).toHaveLength(5);
  });

  it('is a classifier only: a continuous label is refused, naming it', async () => {
    const { train } = await loadSplit('diabetes');
    const failure = await runNodeForTest('train.naivebayes', { label: 'bmi' }, { in: train }).catch((e) => e);
    expect(failure.failure).toMatchObject({ param: 'label', column: 'bmi' });
  });
});
