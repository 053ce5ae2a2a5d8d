import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle, TableRef } from '../../core/index.js';
import { loadCsvTable, loadSplit, NodeRunError, runNodeForTest, testMetrics } from '@pipewright/server/testing';

/** scikit-learn's LogisticRegression on the same fixed splits (datasets/REFERENCE.md). */
const REFERENCE = { breastCancer: { accuracy: 0.9649, logLoss: 0.0772 }, iris: { accuracy: 0.9333 } };

function tempCsv(name: string, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipewright-logistic-'));
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return dir;
}

describe('train.logistic', () => {
  let cancerTrain: TableRef;
  let cancerTest: TableRef;

  beforeAll(async () => {
    ({ train: cancerTrain, test: cancerTest } = await loadSplit('breast_cancer'));
  });

  it('matches scikit-learn on breast cancer (binary): test accuracy within 0.02 of 0.9649', async () => {
    const run = await runNodeForTest('train.logistic', { label: 'diagnosis' }, { in: cancerTrain });
    const model = run.outputs.model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'logistic', task: 'classification', label: 'diagnosis' });
    expect(model.classes).toEqual(['benign', 'malignant']);
    expect(model.encoding.width).toBe(30);
    expect(model.inputs).toHaveLength(30);
    expect(model.training).toMatchObject({ rows: 455, epochs: 500, backend: expect.any(String) });
    expect(model.training.epochsRun).toBe(500);

    const metrics = await testMetrics(model, cancerTest);
    expect(Math.abs((metrics.accuracy as number) - REFERENCE.breastCancer.accuracy)).toBeLessThanOrEqual(0.02);
    expect(Math.abs((metrics.logLoss as number) - REFERENCE.breastCancer.logLoss)).toBeLessThan(0.01);
  });

  it('with a tolerance, stops once the loss has settled, as accurate', async () => {
    const run = await runNodeForTest('train.logistic', { label: 'diagnosis', tolerance: 1e-6 }, { in: cancerTrain });
    const model = run.outputs.model as ModelBundle;
    const epochsRun = model.training.epochsRun as number;
    expect(epochsRun).toBeLessThan(500);
    expect(run.logs.some((l) => l.message.startsWith(`converged after ${epochsRun} epochs`))).toBe(true);
    const metrics = await testMetrics(model, cancerTest);
    expect(Math.abs((metrics.accuracy as number) - REFERENCE.breastCancer.accuracy)).toBeLessThanOrEqual(0.02);
  });

  it('reports progress every epoch with the loss, ending at 100 %', async () => {
    const run = await runNodeForTest('train.logistic', { label: 'diagnosis', epochs: 50 }, { in: cancerTrain });
    const epochs = run.progress.filter((p) => p.detail.epoch !== undefined);
    expect(epochs.length).toBeGreaterThan(0);
    expect(epochs.at(-1)?.detail).toMatchObject({ epoch: 50, epochs: 50, loss: expect.any(Number) });
    expect(run.progress.at(-1)?.pct).toBe(100);
    const losses = epochs.map((p) => p.detail.loss as number);
    expect(losses.at(-1)).toBeLessThan(losses[0]);
  });

  it('matches scikit-learn on iris (three classes, softmax): within 0.02 and one row of 0.9333', async () => {
    const { train, test } = await loadSplit('iris');
    const run = await runNodeForTest('train.logistic', { label: 'species' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.state.link).toBe('softmax');
    const metrics = await testMetrics(model, test);
    expect(Math.abs((metrics.accuracy as number) - REFERENCE.iris.accuracy)).toBeLessThanOrEqual(0.02 + 1 / 30);
  });

  it('cross-validates with k folds and keeps mean ± std with the model', async () => {
    const train = await loadCsvTable('test/fixtures/data/splits/iris.train.csv');
    const run = await runNodeForTest('train.logistic', { label: 'species', folds: 5, epochs: 200 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as {
      folds: number;
      accuracy: { mean: number; std: number; values: number[] };
      logLoss: { mean: number };
    };
    expect(cv.folds).toBe(5);
    expect(cv.accuracy.values).toHaveLength(5);
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
    expect(cv.accuracy.std).toBeGreaterThanOrEqual(0);
    expect(cv.logLoss.mean).toBeGreaterThan(0);
    expect(run.logs.some((l) => l.message.startsWith('5-fold cross-validation: accuracy'))).toBe(true);
  });

  it('one-hot encodes text features, fills missing numbers with the train mean, and keeps the input transforms', async () => {
    const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
    const imputed = await runNodeForTest('clean.missing', { strategy: 'mode', columns: ['sex'] }, { in: penguins });
    const run = await runNodeForTest('train.logistic', { label: 'species' }, { in: imputed.outputs.out });
    const model = run.outputs.model as ModelBundle;
    expect(model.transforms.map((t) => t.id)).toEqual([imputed.key]);
    const island = model.encoding.features.find((f) => f.column === 'island');
    expect(island).toEqual({ column: 'island', kind: 'onehot', categories: ['Biscoe', 'Dream', 'Torgersen'] });
    const mass = model.encoding.features.find((f) => f.column === 'body_mass_g');
    expect(mass?.kind === 'numeric' && mass.fill).toBeCloseTo(mass?.kind === 'numeric' ? mass.mean : 0, 9);
    expect(model.encoding.width).toBe(4 + 3 + 2);
    const metrics = await testMetrics(model, penguins);
    expect(metrics.accuracy).toBeGreaterThan(0.97);
  });

  it('maps boolean and numeric labels back to their values', async () => {
    const lines = ['x,flag,grade'];
    for (let i = 0; i < 60; i++) lines.push(`${i},${i >= 30},${i < 20 ? 1 : i < 40 ? 2 : 3}`);
    const dir = tempCsv('labels.csv', lines);
    const table = (await runNodeForTest('source.csv', { path: 'labels.csv' }, {}, { dataDirs: [dir] })).outputs
      .out as TableRef;
    const flag = (await runNodeForTest('train.logistic', { label: 'flag', features: ['x'] }, { in: table })).outputs
      .model;
    expect((flag as ModelBundle).classes).toEqual([false, true]);
    const grade = (await runNodeForTest('train.logistic', { label: 'grade', features: ['x'] }, { in: table })).outputs
      .model;
    expect((grade as ModelBundle).classes).toEqual([1, 2, 3]);
    const scored = await runNodeForTest('evaluate.score', {}, { model: flag, in: table });
    const rows = await scored.readTable(scored.outputs.out);
    expect(rows[0]).toMatchObject({ prediction: false });
    expect(rows[59]).toMatchObject({ prediction: true });
  });

  it('names a label column that is not in the table', async () => {
    const error = await runNodeForTest('train.logistic', { label: 'outcome' }, { in: cancerTrain }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.failure).toMatchObject({ param: 'label', column: 'outcome' });
    expect(error.message).toContain('column "outcome" is not in the table');
  });

  it('refuses a label with one class, a text feature it cannot encode, and an empty table', async () => {
    const lines = ['id,name,size,kind'];
    for (let i = 0; i < 80; i++) lines.push(`${i},name-${i},${i % 7},${i % 2 ? 'a' : 'b'}`);
    const dir = tempCsv('bad.csv', lines);
    const table = (await runNodeForTest('source.csv', { path: 'bad.csv' }, {}, { dataDirs: [dir] })).outputs
      .out as TableRef;

    const single = tempCsv('single.csv', ['x,kind', '1,a', '2,a', '3,a']);
    const singleTable = (await runNodeForTest('source.csv', { path: 'single.csv' }, {}, { dataDirs: [single] })).outputs
      .out as TableRef;
    const one = await runNodeForTest('train.logistic', { label: 'kind' }, { in: singleTable }).catch((e) => e);
    expect(one.failure).toMatchObject({ param: 'label', column: 'kind' });
    expect(one.message).toContain('only one class ("a")');

    const text = await runNodeForTest('train.logistic', { label: 'kind' }, { in: table }).catch((e) => e);
    expect(text.failure).toMatchObject({ param: 'features', column: 'name' });
    expect(text.message).toContain('too many to one-hot encode');

    const empty = tempCsv('empty.csv', ['x,kind']);
    const emptyTable = (await runNodeForTest('source.csv', { path: 'empty.csv' }, {}, { dataDirs: [empty] })).outputs
      .out as TableRef;
    const none = await runNodeForTest('train.logistic', { label: 'kind' }, { in: emptyTable }).catch((e) => e);
    expect(none.message).toContain('the table is empty');
  });
});
