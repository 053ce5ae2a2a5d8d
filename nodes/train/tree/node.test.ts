import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { predictRows } from '../model-scoring.js';
import { loadSplit, runNodeForTest, testMetrics } from '@pipewright/server/testing';

describe('train.tree', () => {
  it('classifies iris as scikit-learn does (test accuracy 0.9667) and scores raw rows the same way', async () => {
    const { train, test } = await loadSplit('iris');
    const model = (await runNodeForTest('train.tree', { label: 'species' }, { in: train })).outputs
      .model as ModelBundle;
    expect(model).toMatchObject({
      algorithm: 'tree',
      task: 'classification',
      classes: ['setosa', 'versicolor', 'virginica'],
    });
    const m = await testMetrics(model, test);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.9667 - 0.034);
    // A fully grown tree fits the training rows: every leaf is one class.
    const served = predictRows(model, [
      { 'sepal length (cm)': 5.1, 'sepal width (cm)': 3.5, 'petal length (cm)': 1.4, 'petal width (cm)': 0.2 },
    ]);
    expect(served[0]).toEqual({ prediction: 'setosa', probabilities: { setosa: 1, versicolor: 0, virginica: 0 } });
  });

  it('regresses cars within 0.03 R² of scikit-learn (0.7798), text features one-hot encoded', async () => {
    const { train, test } = await loadSplit('cars');
    const run = await runNodeForTest('train.tree', { label: 'Miles_per_Gallon' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model.task).toBe('regression');
    expect(model.encoding.features.find((f) => f.column === 'Origin')?.kind).toBe('onehot');
    const m = await testMetrics(model, test);
    expect(m.r2).toBeGreaterThanOrEqual(0.7798 - 0.03);
  });

  it('stops at maxDepth, and a deeper tree has more leaves', async () => {
    const { train } = await loadSplit('penguins');
    const shallow = (await runNodeForTest('train.tree', { label: 'species', maxDepth: 2 }, { in: train })).outputs
      .model as ModelBundle;
    const deep = (await runNodeForTest('train.tree', { label: 'species' }, { in: train })).outputs.model as ModelBundle;
    expect(shallow.training.depth).toBe(2);
    expect(shallow.training.leaves as number).toBeLessThanOrEqual(4);
    expect(deep.training.leaves as number).toBeGreaterThan(shallow.training.leaves as number);
  });

  it('cross-validates with k folds', async () => {
    const { train } = await loadSplit('iris');
    const run = await runNodeForTest('train.tree', { label: 'species', folds: 4 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(4);
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
  });

  it('names the param when minSamplesLeaf is not a positive whole number', async () => {
    const { train } = await loadSplit('iris');
    const failure = await runNodeForTest('train.tree', { label: 'species', minSamplesLeaf: 0 }, { in: train }).catch(
      (e) => e,
    );
    expect(failure.failure.param).toBe('minSamplesLeaf');
  });
});
