import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import {
  modelToOnnx,
  onnxExportRefusal,
  type ModelBundle,
  type PortValue,
  type SqlValue,
  type TableRef,
} from '@pipewright/nodes';
import { loadSplit, runNodeForTest } from '../runtime/testing.js';
import { writeOnnx } from './onnx-writer.js';

type Rows = Record<string, SqlValue>[];

/** The model's ONNX inputs for raw rows: DOUBLE columns (NaN: missing) and STRING ones ("": missing). */
function feeds(model: ModelBundle, rows: Rows): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const input of model.inputs) {
    const values = rows.map((row) => row[input.name]);
    out[input.name] =
      input.type === 'number'
        ? new ort.Tensor(
            'float64',
            Float64Array.from(values, (v) => (v === null || v === undefined ? Number.NaN : Number(v))),
            [rows.length, 1],
          )
        : new ort.Tensor(
            'string',
            values.map((v) => (v === null || v === undefined ? '' : String(v))),
            [rows.length, 1],
          );
  }
  return out;
}

/** Fitted preprocessing before the trainer, as an analyst chains it: each node fitted on what the last one gave. */
async function prepare(train: TableRef, steps: [string, Record<string, unknown>][]): Promise<TableRef> {
  let table = train;
  for (const [type, params] of steps) {
    table = (await runNodeForTest(type, params, { in: table })).outputs.out as TableRef;
  }
  return table;
}

interface Case {
  trainer: string;
  params: Record<string, unknown>;
  dataset: string;
  steps?: [string, Record<string, unknown>][];
}

const CASES: Case[] = [
  {
    trainer: 'train.logistic',
    params: { label: 'species' },
    dataset: 'penguins',
    steps: [
      ['clean.missing', { columns: ['beak_length_mm', 'body_mass_g'], strategy: 'median' }],
      ['clean.missing', { columns: ['sex'], strategy: 'mode' }],
      ['feature.scale', { columns: ['flipper_length_mm'], method: 'robust' }],
      ['feature.onehot', { columns: ['island'] }],
    ],
  },
  { trainer: 'train.logistic', params: { label: 'diagnosis' }, dataset: 'breast_cancer' },
  { trainer: 'train.linear', params: { label: 'progression' }, dataset: 'diabetes' },
  {
    trainer: 'train.linear',
    params: { label: 'body_mass_g' },
    dataset: 'penguins',
    steps: [['feature.scale', { columns: ['beak_length_mm'], method: 'min-max' }]],
  },
  { trainer: 'train.tree', params: { label: 'survived', maxDepth: 6 }, dataset: 'titanic' },
  { trainer: 'train.tree', params: { label: 'progression' }, dataset: 'diabetes' },
  {
    trainer: 'train.forest',
    params: { label: 'survived', trees: 25 },
    dataset: 'titanic',
    steps: [['clean.missing', { columns: ['age'], strategy: 'median' }]],
  },
  { trainer: 'train.forest', params: { label: 'progression', trees: 10 }, dataset: 'diabetes' },
  { trainer: 'train.boosting', params: { label: 'survived' }, dataset: 'titanic' },
  { trainer: 'train.boosting', params: { label: 'species', iterations: 30 }, dataset: 'penguins' },
  { trainer: 'train.boosting', params: { label: 'progression', iterations: 30 }, dataset: 'diabetes' },
  { trainer: 'train.mlp', params: { label: 'species', epochs: 30 }, dataset: 'iris' },
  { trainer: 'train.mlp', params: { label: 'progression', epochs: 30, task: 'regression' }, dataset: 'diabetes' },
  { trainer: 'train.naivebayes', params: { label: 'species' }, dataset: 'penguins' },
  { trainer: 'train.kmeans', params: { k: 3, features: ['sepal length (cm)', 'petal width (cm)'] }, dataset: 'iris' },
  { trainer: 'train.dummy', params: { label: 'species' }, dataset: 'iris' },
];

describe('ONNX export', () => {
  it.each(CASES)('$trainer on $dataset: onnxruntime scores the withheld rows as evaluate.score does', async (c) => {
    const { train, test } = await loadSplit(c.dataset);
    const prepared = await prepare(train, c.steps ?? []);
    const model = (await runNodeForTest(c.trainer, c.params, { in: prepared })).outputs.model as ModelBundle;
    const scoredRun = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const scored = await scoredRun.readTable(scoredRun.outputs.out as PortValue);
    const raw = await scoredRun.readTable(test);
    expect(scored.length).toBe(raw.length);

    const session = await ort.InferenceSession.create(writeOnnx(modelToOnnx(model, c.trainer)));
    const result = await session.run(feeds(model, raw));
    if (model.task === 'classification') {
      const classes = model.classes ?? [];
      const labels = Array.from(result.label.data as ArrayLike<unknown>, (v) => String(v));
      expect(labels).toEqual(scored.map((row) => String(row.prediction)));
      const probabilities = result.probabilities.data as Float32Array;
      let worst = 0;
      scored.forEach((row, i) => {
        classes.forEach((cls, k) => {
          const expected = row[`probability_${String(cls)}`] as number;
          worst = Math.max(worst, Math.abs(probabilities[i * classes.length + k] - expected));
        });
      });
      expect(worst).toBeLessThan(1e-5);
    } else if (model.task === 'regression') {
      const predictions = result.prediction.data as Float32Array;
      scored.forEach((row, i) => {
        const expected = row.prediction as number;
        expect(Math.abs(predictions[i] - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));
      });
    } else {
      expect(Array.from(result.prediction.data as BigInt64Array, Number)).toEqual(
        scored.map((row) => Number(row.prediction)),
      );
    }
  });

  it('refuses a k-nearest-neighbours model, saying why', async () => {
    const { train } = await loadSplit('iris');
    const model = (await runNodeForTest('train.knn', { label: 'species' }, { in: train })).outputs.model as ModelBundle;
    expect(onnxExportRefusal(model)).toMatch(/nearest-neighbours model is its training rows/);
    expect(() => modelToOnnx(model, 'knn')).toThrow(/train\.knn model cannot be exported as ONNX/);
  });
});
