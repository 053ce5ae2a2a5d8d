import { type ModelBundle, type TableRef } from '@pipewright/nodes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvTable, readTable, runNodeForTest } from '../runtime/testing.js';
import { loadTensorFlow } from '../runtime/tensorflow-backend.js';
import { rowSchema, type RequestRow } from './request-rows.js';
import {
  answerJson,
  enableTensorScoring,
  scoreRequest,
  scoreRows,
  scoringPath,
  type ScoredRows,
} from './score-rows.js';
import { servingBundle } from './serving-bundle.js';
import { tensorKernelOf } from './tensor-scoring.js';

const bundleOf = (model: ModelBundle) => servingBundle(model, 'test', 1, { runId: null, nodeId: 'train' });

describe('scoreRows picks the faster path and answers the same either way', () => {
  let model: ModelBundle;
  let rows: RequestRow[];

  beforeAll(async () => {
    await loadTensorFlow({ log: () => undefined });
    const train: TableRef = await loadCsvTable('test/fixtures/data/splits/breast_cancer.train.csv');
    model = (await runNodeForTest('train.mlp', { label: 'diagnosis', layers: [64, 64], epochs: 20 }, { in: train }))
      .outputs.model as ModelBundle;
    const test = await loadCsvTable('test/fixtures/data/splits/breast_cancer.test.csv');
    rows = JSON.parse(JSON.stringify(await readTable(test))) as RequestRow[];
  });

  it('scores an MLP batch with tensors, one row with typed arrays, with the same predictions', () => {
    const typed = scoreRows(bundleOf(model), rows);
    enableTensorScoring();
    expect(scoringPath(model, rows.length)).toBe('tensors');
    expect(scoringPath(model, 1)).toBe('typed-arrays');
    expect(rows.length).toBeGreaterThanOrEqual(tensorKernelOf(model)?.fromRows ?? Infinity);
    const tensors = scoreRows(bundleOf(model), rows);
    expect(tensors.predictions).toEqual(typed.predictions);
    tensors.probabilities!.forEach((p, i) => {
      for (const label of ['benign', 'malignant'])
        expect(Math.abs(p[label] - typed.probabilities![i][label])).toBeLessThan(1e-5);
    });
  });

  it('answers a small request through the compiled typed-array path byte for byte as scoreRows does', () => {
    const bundle = bundleOf(model);
    const few = rows.slice(0, 10);
    const plain = JSON.stringify({ ...scoreRows(bundle, few), version: 1 });
    expect(answerJson(model, scoreRequest(bundle, rowSchema(model), { rows: few }), 1)).toBe(plain);
  });

  it('answers a request through the compiled path with tensors as scoreRows does', () => {
    enableTensorScoring();
    const bundle = bundleOf(model);
    const answer = JSON.parse(answerJson(model, scoreRequest(bundle, rowSchema(model), { rows }), 1)) as ScoredRows;
    const plain = scoreRows(bundle, rows);
    expect(answer.predictions).toEqual(plain.predictions);
    expect(answer.probabilities).toEqual(plain.probabilities);
  });
});
