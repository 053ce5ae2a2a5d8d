import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle, TableRef } from '../../core/index.js';
import { loadCsvTable, loadSplit, runNodeForTest } from '@pipewright/server/testing';

let cancerTrain: TableRef;
let cancerTest: TableRef;
let cancerModel: ModelBundle;

beforeAll(async () => {
  ({ train: cancerTrain, test: cancerTest } = await loadSplit('breast_cancer'));
  cancerModel = (await runNodeForTest('train.logistic', { label: 'diagnosis' }, { in: cancerTrain })).outputs
    .model as ModelBundle;
});

describe('evaluate.score', () => {
  it('adds prediction and one probability column per class to every input row', async () => {
    const run = await runNodeForTest('evaluate.score', {}, { model: cancerModel, in: cancerTest });
    const out = run.outputs.out as TableRef;
    expect(out.rows).toBe(114);
    expect(out.columns.map((c) => c.name)).toEqual([
      ...cancerTest.columns.map((c) => c.name),
      'prediction',
      'probability_benign',
      'probability_malignant',
    ]);
    expect(out.scoring).toEqual({ task: 'classification', label: 'diagnosis', classes: ['benign', 'malignant'] });
    const rows = await run.readTable(out);
    for (const row of rows) {
      const benign = row.probability_benign as number;
      const malignant = row.probability_malignant as number;
      expect(benign + malignant).toBeCloseTo(1, 12);
      expect(row.prediction).toBe(malignant > benign ? 'malignant' : 'benign');
    }
    expect(rows[0]['mean radius']).toBe((await run.readTable(cancerTest))[0]['mean radius']);
  });

  it('applies the fitted preprocessing the table has not had, and drops no row being scored', async () => {
    const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
    const split = await runNodeForTest('split.random', { stratify: 'species' }, { in: penguins });
    const dropped = await runNodeForTest('clean.missing', { strategy: 'drop' }, { in: split.outputs.train });
    const imputed = await runNodeForTest('clean.missing', { strategy: 'mean' }, { in: dropped.outputs.out });
    const model = (await runNodeForTest('train.logistic', { label: 'species' }, { in: imputed.outputs.out })).outputs
      .model as ModelBundle;
    expect(model.transforms).toHaveLength(2);

    // All 344 rows, among them the two with no measurements at all: the drop step keeps them, the mean fills them.
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: penguins });
    const rows = await scored.readTable(scored.outputs.out);
    expect(rows).toHaveLength(344);
    const unmeasured = rows.filter((r) => r.body_mass_g === null);
    expect(unmeasured).toHaveLength(2);
    for (const row of rows) {
      const total =
        (row.probability_Adelie as number) + (row.probability_Chinstrap as number) + (row.probability_Gentoo as number);
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it('adds one numeric prediction for a regressor, and no probability columns', async () => {
    const { train, test } = await loadSplit('cars');
    const model = (await runNodeForTest('train.linear', { label: 'Miles_per_Gallon' }, { in: train })).outputs
      .model as ModelBundle;
    const run = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const out = run.outputs.out as TableRef;
    expect(out.columns.map((c) => c.name)).toEqual([...test.columns.map((c) => c.name), 'prediction']);
    expect(out.scoring).toEqual({ task: 'regression', label: 'Miles_per_Gallon' });
    const rows = await run.readTable(out);
    expect(rows).toHaveLength(80);
    const errors = rows.map((r) => Math.abs((r.prediction as number) - (r.Miles_per_Gallon as number)));
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(3);
  });

  it('names a feature column the table lacks', async () => {
    const iris = await loadCsvTable('test/fixtures/data/iris.csv');
    const error = await runNodeForTest('evaluate.score', {}, { model: cancerModel, in: iris }).catch((e) => e);
    expect(error.failure).toMatchObject({ column: 'mean radius' });
    expect(error.message).toContain('column "mean radius" is missing: the model needs it');
  });
});
