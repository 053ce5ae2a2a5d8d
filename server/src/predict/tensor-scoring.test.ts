import { predictRows, type ModelBundle, type TableRef } from '@pipewright/nodes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvTable, readTable, runNodeForTest } from '../runtime/testing.js';
import { loadTensorFlow } from '../runtime/tensorflow-backend.js';
import type { RequestRow } from './request-rows.js';
import { tensorScores } from './tensor-scoring.js';

describe('the tensor path and the typed-array path', () => {
  let train: TableRef;
  let rows: RequestRow[];

  beforeAll(async () => {
    await loadTensorFlow({ log: () => undefined });
    train = await loadCsvTable('test/fixtures/data/splits/breast_cancer.train.csv');
    const test = await loadCsvTable('test/fixtures/data/splits/breast_cancer.test.csv');
    rows = (await readTable(test)) as RequestRow[];
  });

  const compare = (model: ModelBundle) => {
    const typed = predictRows(model, rows);
    const tensor = tensorScores(model, rows);
    const classes = model.classes ?? [];
    const k = classes.length;
    const tensorClasses = rows.map((_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (tensor[i * k + c] > tensor[i * k + best]) best = c;
      return classes[best];
    });
    expect(tensorClasses).toEqual(typed.map((p) => p.prediction));
    typed.forEach((p, i) =>
      classes.forEach((label, c) =>
        expect(Math.abs(tensor[i * k + c] - p.probabilities![String(label)])).toBeLessThan(1e-5),
      ),
    );
  };

  it('give the same predictions for a logistic regression', async () => {
    const model = (await runNodeForTest('train.logistic', { label: 'diagnosis', epochs: 100 }, { in: train })).outputs
      .model as ModelBundle;
    compare(model);
  });

  it('give the same predictions for an MLP (2 × 64)', async () => {
    const model = (
      await runNodeForTest('train.mlp', { label: 'diagnosis', layers: [64, 64], epochs: 20 }, { in: train })
    ).outputs.model as ModelBundle;
    compare(model);
  });
});
