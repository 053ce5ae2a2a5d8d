import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { encodeFeatures } from '../feature-encoding.js';
import { predictBatch, predictRows } from '../model-scoring.js';
import { trainerFor } from '../trainers.js';
import { loadSplit, readRequestRows, runNodeForTest, testMetrics } from '@pipewright/server/testing';

/** scikit-learn's HistGradientBoosting with defaults on the same splits (datasets/REFERENCE.md, `boosting`). */
const REFERENCE = { breastCancer: 0.9649, penguins: 0.9855, cars: 0.911 };

describe('train.boosting', () => {
  it('classifies breast cancer as scikit-learn does, with the loss of every iteration and feature importance', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const run = await runNodeForTest('train.boosting', { label: 'diagnosis' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'boosting', task: 'classification', state: { link: 'logistic' } });
    // 455 rows: no early stopping by default (auto: above 10,000 rows), so all 100 iterations.
    expect(model.training).toMatchObject({ iterations: 100, trees: 100, validationRows: 0 });

    const iterations = run.progress.filter((p) => p.detail.epoch !== undefined);
    expect(iterations.length).toBeGreaterThan(1);
    for (const { detail } of iterations) expect(detail).toMatchObject({ epochs: 100, loss: expect.any(Number) });
    expect(iterations.at(-1)?.detail.loss).toBeLessThan((iterations[0].detail.loss as number) / 5);

    const importance = model.training.importance as Record<string, number>;
    const shares = Object.values(importance);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(Object.keys(importance)).toHaveLength(30);

    const m = await testMetrics(model, test);
    expect(m.accuracy).toBeGreaterThanOrEqual(REFERENCE.breastCancer - 0.02);
    expect(m.auc).toBeGreaterThan(0.99);
  });

  it('gives three classes one tree each per iteration, text features included, served as evaluate.score scores', async () => {
    const { train, test } = await loadSplit('penguins');
    const model = (await runNodeForTest('train.boosting', { label: 'species', iterations: 30 }, { in: train })).outputs
      .model as ModelBundle;
    expect(model.state).toMatchObject({ link: 'softmax', baseline: expect.any(Array) });
    expect((model.state.trees as unknown[]).length).toBe(90);
    expect((await testMetrics(model, test)).accuracy).toBeGreaterThanOrEqual(REFERENCE.penguins - 0.02);

    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const rows = await readRequestRows(scored.outputs.out);
    const served = predictRows(model, rows.slice(0, 12));
    served.forEach((p, i) => {
      expect(p.prediction).toBe(rows[i].prediction);
      expect(p.probabilities?.Gentoo).toBeCloseTo(rows[i].probability_Gentoo as number, 9);
      const total = Object.values(p.probabilities ?? {}).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 9);
    });
  });

  it('regresses cars within 0.03 R² of scikit-learn, and its encoded kernel gives the same numbers', async () => {
    const { train, test } = await loadSplit('cars');
    const model = (await runNodeForTest('train.boosting', { label: 'Miles_per_Gallon' }, { in: train })).outputs
      .model as ModelBundle;
    expect(model.state).toMatchObject({ link: 'identity' });
    expect((await testMetrics(model, test)).r2).toBeGreaterThanOrEqual(REFERENCE.cars - 0.03);

    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const { readTable } = scored;
    const rows = await readTable(test);
    const batch = {
      columns: model.encoding.features.map((f) => ({
        name: f.column,
        type: f.kind === 'numeric' ? ('number' as const) : ('string' as const),
        sqlType: f.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR',
      })),
      rowCount: rows.length,
      values: model.encoding.features.map((f) =>
        f.kind === 'numeric'
          ? Float64Array.from(rows, (r) => (r[f.column] === null ? Number.NaN : Number(r[f.column])))
          : rows.map((r) => (r[f.column] === null ? null : String(r[f.column]))),
      ),
    };
    const plain = predictBatch(model, batch);
    const kernel = trainerFor('boosting').kernels?.encoded?.(model);
    expect(kernel).toBeDefined();
    const fast = kernel?.(encodeFeatures(model.encoding, batch), rows.length) as Float64Array;
    expect(Array.from(fast)).toEqual(Array.from(plain));
  });

  it('stops early when the held-out loss stops improving, keeping the trees grown so far', async () => {
    const { train } = await loadSplit('telco_churn');
    const params = { label: 'churn', iterations: 500, learningRate: 0.3, earlyStopping: 'on', patience: 5 };
    const run = await runNodeForTest('train.boosting', params, { in: train });
    const model = run.outputs.model as ModelBundle;
    const { iterations, validationRows, valLoss, rows } = model.training as Record<string, number>;
    expect(iterations).toBeLessThan(500);
    expect((model.state.trees as unknown[]).length).toBe(iterations);
    // 10 % of the training rows, stratified by class.
    expect(validationRows).toBe(Math.round(rows * 0.1));
    expect(valLoss).toBeGreaterThan(0);
    expect(run.logs.some((l) => l.message.startsWith(`stopped early after ${iterations} iterations`))).toBe(true);
    const reported = run.progress.filter((p) => p.detail.valLoss !== undefined);
    expect(reported.length).toBeGreaterThan(0);
  });

  it('cross-validates with k folds', async () => {
    const { train } = await loadSplit('wine');
    const run = await runNodeForTest('train.boosting', { label: 'cultivar', iterations: 20, folds: 3 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(3);
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
  });

  it('refuses bad params and a damaged bundle, naming what is wrong', async () => {
    const { train } = await loadSplit('iris');
    const tooFew = await runNodeForTest(
      'train.boosting',
      { label: 'species', earlyStopping: 'on', validationShare: 0.001 },
      { in: train },
    ).catch((e) => e);
    expect(tooFew.failure).toMatchObject({ param: 'earlyStopping' });
    expect(tooFew.failure.message).toContain('holds out 0 of 120 rows');

    const badRate = await runNodeForTest('train.boosting', { label: 'species', learningRate: 0 }, { in: train }).catch(
      (e) => e,
    );
    expect(JSON.stringify(badRate.failure ?? badRate.message)).toContain('learningRate');

    const model = (await runNodeForTest('train.boosting', { label: 'species', iterations: 3 }, { in: train })).outputs
      .model as ModelBundle;
    const damaged = { ...model, state: { ...model.state, baseline: [0] } };
    expect(() => predictRows(damaged, [{ sepal_length: 5 }])).toThrow(/boosting state does not match/);
  });
});
