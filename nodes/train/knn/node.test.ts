import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { predictRows } from '../model-scoring.js';
import { loadSplit, readRequestRows, runNodeForTest, testMetrics } from '@pipewright/server/testing';

describe('train.knn', () => {
  it('matches scikit-learn on wine: accuracy 0.9722, log loss 0.0910', async () => {
    const { train, test } = await loadSplit('wine');
    const model = (await runNodeForTest('train.knn', { label: 'cultivar' }, { in: train })).outputs
      .model as ModelBundle;
    const m = await testMetrics(model, test);
    expect(m.accuracy).toBeCloseTo(0.9722, 4);
    expect(m.logLoss).toBeCloseTo(0.091, 3);
  });

  it('regresses diabetes as scikit-learn does (R² 0.4248)', async () => {
    const { train, test } = await loadSplit('diabetes');
    const model = (await runNodeForTest('train.knn', { label: 'progression' }, { in: train })).outputs
      .model as ModelBundle;
    expect((await testMetrics(model, test)).r2).toBeCloseTo(0.4248, 3);
  });

  it('gives the shares of the k neighbours as probabilities, text features included', async () => {
    const { train } = await loadSplit('penguins');
    const model = (await runNodeForTest('train.knn', { label: 'species', k: 4 }, { in: train })).outputs
      .model as ModelBundle;
    const [served] = predictRows(model, [
      {
        island: 'Torgersen',
        beak_length_mm: 39,
        beak_depth_mm: 18.5,
        flipper_length_mm: 190,
        body_mass_g: 3700,
        sex: 'female',
      },
    ]);
    expect(served.prediction).toBe('Adelie');
    for (const p of Object.values(served.probabilities ?? {})) expect([0, 0.25, 0.5, 0.75, 1]).toContain(p);
  });

  it('scores a table of rows as it scores each row alone: the same neighbours, ties to the earlier training row', async () => {
    for (const [name, label] of [
      ['diabetes', 'progression'],
      ['titanic', 'survived'],
      ['digits', 'digit'],
    ]) {
      const { train, test } = await loadSplit(name);
      const model = (await runNodeForTest('train.knn', { label }, { in: train })).outputs.model as ModelBundle;
      const rows = await readRequestRows(test);
      expect(rows.length).toBeGreaterThanOrEqual(64);
      const alone = rows.flatMap((row) => predictRows(model, [row]));
      expect(predictRows(model, rows)).toEqual(alone);
    }
  });

  it('cross-validates regression with k folds: R², RMSE and MAE per fold', async () => {
    const { train } = await loadSplit('diabetes');
    const run = await runNodeForTest('train.knn', { label: 'progression', folds: 3 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.r2.values).toHaveLength(3);
    expect(cv.r2.mean).toBeGreaterThan(0.2);
  });

  it('refuses a k larger than the training table, naming k', async () => {
    const { train } = await loadSplit('iris');
    const failure = await runNodeForTest('train.knn', { label: 'species', k: 500 }, { in: train }).catch((e) => e);
    expect(failure.failure).toMatchObject({ param: 'k' });
    expect(failure.failure.message).toContain('120 training rows');
  });
});
