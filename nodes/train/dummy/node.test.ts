import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { predictRows } from '../model-scoring.js';
import { loadSplit, runNodeForTest, testMetrics } from '@pipewright/server/testing';

describe('train.dummy', () => {
  it('gives every row the training class shares, so it predicts the most frequent class', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const model = (await runNodeForTest('train.dummy', { label: 'diagnosis' }, { in: train })).outputs
      .model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'dummy', task: 'classification', classes: ['benign', 'malignant'] });
    // 285 benign and 170 malignant training rows.
    const [served] = predictRows(model, [{}]);
    expect(served.prediction).toBe('benign');
    expect(served.probabilities?.benign).toBeCloseTo(285 / 455, 12);
    // 72 of the 114 test rows are benign; DummyClassifier(strategy="prior") scores the same.
    const m = await testMetrics(model, test);
    expect(m.accuracy).toBeCloseTo(72 / 114, 10);
    expect(m.logLoss).toBeCloseTo(0.658168, 5);
    expect(m.auc).toBeCloseTo(0.5, 10);
  });

  it('mostFrequent gives the most frequent class probability 1', async () => {
    const { train } = await loadSplit('breast_cancer');
    const params = { label: 'diagnosis', strategy: 'mostFrequent' };
    const model = (await runNodeForTest('train.dummy', params, { in: train })).outputs.model as ModelBundle;
    expect(predictRows(model, [{}])[0].probabilities).toEqual({ benign: 1, malignant: 0 });
  });

  it.each([
    ['mean', 153.73654390934846, -0.011963],
    ['median', 142, -0.00269],
  ] as const)('predicts the %s of a numeric label, as DummyRegressor does', async (strategy, value, r2) => {
    const { train, test } = await loadSplit('diabetes');
    const params = { label: 'progression', strategy };
    const model = (await runNodeForTest('train.dummy', params, { in: train })).outputs.model as ModelBundle;
    expect(model.task).toBe('regression');
    expect(predictRows(model, [{}, {}]).map((p) => p.prediction)).toEqual([value, value]);
    expect((await testMetrics(model, test)).r2).toBeCloseTo(r2, 5);
  });

  it('cross-validates: the baseline a real model’s folds must beat', async () => {
    const { train } = await loadSplit('iris');
    const run = await runNodeForTest('train.dummy', { label: 'species', folds: 5 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(5);
    // Three classes of 40 rows, stratified folds: every fold's baseline is right a third of the time.
    expect(cv.accuracy.mean).toBeCloseTo(1 / 3, 10);
  });

  it('refuses a strategy for the other task, naming the param', async () => {
    const { train } = await loadSplit('diabetes');
    const params = { label: 'progression', strategy: 'prior' };
    const failure = await runNodeForTest('train.dummy', params, { in: train }).catch((e) => e);
    expect(failure.failure).toMatchObject({ param: 'strategy' });
    expect(failure.failure.message).toMatch(/prior is for classification.*mean or median/);
  });
});
