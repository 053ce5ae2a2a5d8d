import { describe, expect, it } from 'vitest';
import type { MetricsValue, ModelBundle } from '../../core/index.js';
import { regressionMetrics } from '../../evaluate/regression-metrics.js';
import { predictRows } from '../model-scoring.js';
import { loadSplit, loadTensorFlow, NodeRunError, runNodeForTest } from '@pipewright/server/testing';

/** scikit-learn's MLP (64, 64), adam, on the same fixed splits (datasets/REFERENCE.md). */
const REFERENCE = { iris: 0.9667, breastCancer: 0.9737, cars: 0.9134 };

describe('train.mlp', () => {
  it('classifies iris as scikit-learn does (within one test row), reporting loss and validation loss every epoch', async () => {
    const { train, test } = await loadSplit('iris');
    const run = await runNodeForTest('train.mlp', { label: 'species' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model).toMatchObject({
      algorithm: 'mlp',
      task: 'classification',
      classes: ['setosa', 'versicolor', 'virginica'],
    });
    expect(model.training).toMatchObject({ layers: [64, 64], validationRows: 12, backend: expect.any(String) });

    const epochs = run.progress.filter((p) => p.detail.epoch !== undefined);
    // The runtime passes at most one epoch report every 100 ms on: a rising subset of the epochs run.
    expect(epochs.length).toBeGreaterThan(1);
    const numbers = epochs.map((p) => p.detail.epoch as number);
    expect(numbers[0]).toBe(1);
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1])).toBe(true);
    expect(numbers.at(-1)).toBeLessThanOrEqual(model.training.epochsRun as number);
    for (const { detail } of epochs) {
      expect(detail).toMatchObject({ epochs: 500, loss: expect.any(Number), valLoss: expect.any(Number) });
    }
    expect(epochs.at(-1)?.detail.loss).toBeLessThan(epochs[0].detail.loss as number);
    expect(run.progress.at(-1)?.pct).toBe(100);

    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const evaluated = await runNodeForTest('evaluate.classification', {}, { in: scored.outputs.out });
    const accuracy = (evaluated.outputs.metrics as MetricsValue).metrics.accuracy as number;
    expect(Math.abs(accuracy - REFERENCE.iris)).toBeLessThanOrEqual(1 / 30 + 1e-9);

    // A deployment scores request rows with plain arithmetic: the same probabilities as evaluate.score.
    const rows = await scored.readTable(scored.outputs.out);
    const served = predictRows(model, rows.slice(0, 10) as Record<string, number>[]);
    served.forEach((p, i) => {
      expect(p.prediction).toBe(rows[i].prediction);
      expect(p.probabilities?.virginica).toBeCloseTo(rows[i].probability_virginica as number, 6);
    });
  });

  it('stops early when the validation loss stops improving and keeps the best epoch', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const run = await runNodeForTest('train.mlp', { label: 'diagnosis', patience: 5 }, { in: train });
    const model = run.outputs.model as ModelBundle;
    const { epochsRun, bestEpoch } = model.training as { epochsRun: number; bestEpoch: number };
    expect(epochsRun).toBeLessThan(500);
    expect(bestEpoch).toBe(epochsRun - 5);
    expect(run.logs.some((l) => l.message.startsWith(`stopped early after ${epochsRun} epochs`))).toBe(true);
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const evaluated = await runNodeForTest('evaluate.classification', {}, { in: scored.outputs.out });
    const accuracy = (evaluated.outputs.metrics as MetricsValue).metrics.accuracy as number;
    expect(accuracy).toBeGreaterThanOrEqual(REFERENCE.breastCancer - 0.02);
  });

  it('regresses miles per gallon within 0.03 R² of scikit-learn, text features one-hot encoded', async () => {
    const { train, test } = await loadSplit('cars');
    const run = await runNodeForTest('train.mlp', { label: 'Miles_per_Gallon' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model.task).toBe('regression');
    expect(model.encoding.features.find((f) => f.column === 'Origin')).toMatchObject({ kind: 'onehot' });
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const rows = await scored.readTable(scored.outputs.out);
    const truth = Float64Array.from(rows, (r) => r.Miles_per_Gallon as number);
    const predicted = Float64Array.from(rows, (r) => r.prediction as number);
    expect(regressionMetrics(truth, predicted).r2).toBeGreaterThanOrEqual(REFERENCE.cars - 0.03);
  });

  it('cross-validates with k folds, leaving no tensor behind', async () => {
    const { tf } = await loadTensorFlow({ log: () => undefined });
    const { train } = await loadSplit('iris');
    const before = tf.memory().numTensors;
    const run = await runNodeForTest('train.mlp', { label: 'species', folds: 3, epochs: 40 }, { in: train });
    expect(tf.memory().numTensors).toBe(before);
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.folds).toBe(3);
    expect(cv.accuracy.values).toHaveLength(3);
    expect(cv.accuracy.mean).toBeGreaterThan(0.8);
    expect(cv.logLoss.mean).toBeGreaterThan(0);
  });

  it('gives the same model for the same seed, and stops when cancelled without leaking tensors', async () => {
    const { tf } = await loadTensorFlow({ log: () => undefined });
    const { train } = await loadSplit('iris');
    const params = { label: 'species', epochs: 5, layers: [8] };
    const first = (await runNodeForTest('train.mlp', params, { in: train })).outputs.model as ModelBundle;
    const second = (await runNodeForTest('train.mlp', params, { in: train })).outputs.model as ModelBundle;
    expect(second.state).toEqual(first.state);
    const reseeded = (await runNodeForTest('train.mlp', { ...params, seed: 1 }, { in: train })).outputs
      .model as ModelBundle;
    expect(reseeded.state).not.toEqual(first.state);

    const before = tf.memory().numTensors;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const long = { label: 'species', epochs: 10_000, patience: 1000 };
    const error = await runNodeForTest('train.mlp', long, { in: train }, { signal: controller.signal }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.cancelled).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
