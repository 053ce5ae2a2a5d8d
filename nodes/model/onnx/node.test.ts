import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { MetricsValue, ModelBundle, TableRef } from '../../core/index.js';
import { modelToOnnx } from '../../train/onnx/model-onnx.js';
import { loadCsvTable, loadSplit, runNodeForTest, writeOnnx } from '@pipewright/server/testing';

const IRIS_MODEL = 'test/fixtures/models/iris-float-input.onnx';
const MEASUREMENTS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

describe('model.onnx', () => {
  it('imports a model Pipewright exported: evaluate.score gives the predictions the original gave', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const original = (await runNodeForTest('train.logistic', { label: 'diagnosis' }, { in: train })).outputs
      .model as ModelBundle;
    const dir = mkdtempSync(join(tmpdir(), 'pipewright-onnx-import-'));
    writeFileSync(join(dir, 'cancer.onnx'), writeOnnx(modelToOnnx(original, 'cancer')));

    const imported = await runNodeForTest(
      'model.onnx',
      { path: 'cancer.onnx', output: 'probabilities', classes: original.classes, label: 'diagnosis' },
      {},
      { dataDirs: [dir] },
    );
    const model = imported.outputs.model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'onnx', task: 'classification', label: 'diagnosis' });
    expect(model.inputs.map((c) => c.name)).toEqual(original.inputs.map((c) => c.name));
    expect(imported.logs.map((l) => l.message).join('\n')).toMatch(
      /loaded cancer\.onnx \([\d,]+ bytes\): .*; classification from output 'probabilities'/,
    );

    const mine = await runNodeForTest('evaluate.score', {}, { model: original, in: test });
    const theirs = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const expected = await mine.readTable(mine.outputs.out);
    const got = await theirs.readTable(theirs.outputs.out);
    expect(got).toHaveLength(expected.length);
    expect(got.map((row) => row.prediction)).toEqual(expected.map((row) => row.prediction));
    let worst = 0;
    got.forEach((row, i) => {
      for (const cls of original.classes ?? []) {
        const key = `probability_${String(cls)}`;
        worst = Math.max(worst, Math.abs((row[key] as number) - (expected[i][key] as number)));
      }
    });
    expect(worst).toBeLessThan(1e-5);

    const metrics = async (scored: TableRef) =>
      ((await runNodeForTest('evaluate.classification', {}, { in: scored })).outputs.metrics as MetricsValue).metrics;
    const ours = await metrics(mine.outputs.out as TableRef);
    const imports = await metrics(theirs.outputs.out as TableRef);
    expect(imports.accuracy).toBe(ours.accuracy);
    expect(imports.f1).toBe(ours.f1);
  });

  it('feeds a single [N, 4] float input from the listed columns, as onnxruntime scores them itself', async () => {
    const iris = await loadCsvTable('test/fixtures/data/iris.csv');
    const run = await runNodeForTest('model.onnx', {
      path: IRIS_MODEL,
      features: MEASUREMENTS,
      classes: SPECIES,
      label: 'species',
    });
    const model = run.outputs.model as ModelBundle;
    expect(model.classes).toEqual(SPECIES);
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: iris });
    const rows = await scored.readTable(scored.outputs.out);

    const session = await ort.InferenceSession.create(IRIS_MODEL);
    const x = Float32Array.from(rows.flatMap((row) => MEASUREMENTS.map((c) => row[c] as number)));
    const direct = await session.run({ float_input: new ort.Tensor('float32', x, [rows.length, 4]) });
    const labels = Array.from(direct.label.data as BigInt64Array, (k) => SPECIES[Number(k)]);
    expect(rows.map((row) => row.prediction)).toEqual(labels);
    const probabilities = direct.probabilities.data as Float32Array;
    rows.forEach((row, i) => {
      SPECIES.forEach((s, k) => expect(row[`probability_${s}`]).toBeCloseTo(probabilities[i * 3 + k], 6));
    });
    const metrics = (await runNodeForTest('evaluate.classification', {}, { in: scored.outputs.out as TableRef }))
      .outputs.metrics as MetricsValue;
    expect(metrics.metrics.accuracy).toBeCloseTo(143 / 150, 6);
  });

  it('gives permutation importances: a column the model gives no weight loses nothing', async () => {
    const iris = await loadCsvTable('test/fixtures/data/iris.csv');
    const model = (
      await runNodeForTest('model.onnx', {
        path: IRIS_MODEL,
        features: MEASUREMENTS,
        classes: SPECIES,
        label: 'species',
      })
    ).outputs.model as ModelBundle;
    const run = await runNodeForTest('evaluate.importance', { repeats: 3 }, { model, in: iris });
    const report = (run.outputs.metrics as MetricsValue).metrics as {
      baseline: number;
      importances: { feature: string; importance: number }[];
    };
    expect(report.baseline).toBeCloseTo(143 / 150, 6);
    const byFeature = Object.fromEntries(report.importances.map((i) => [i.feature, i.importance]));
    expect(byFeature['sepal length (cm)']).toBe(0);
    expect(report.importances[0].feature).toMatch(/^petal/);
    expect(report.importances[0].importance).toBeGreaterThan(0.1);
  });

  it('names the mismatch when the mapping does not fit the model’s signature, and gives no model', async () => {
    const failure = async (params: Record<string, unknown>) => {
      const error = (await runNodeForTest('model.onnx', { path: IRIS_MODEL, ...params }, {}, { nodeId: 'm' }).catch(
        (e: unknown) => e,
      )) as { nodeId?: string; message: string; failure?: { param?: string; message: string }; outputs?: unknown };
      expect(error.outputs).toBeUndefined();
      return { nodeId: error.nodeId, said: error.message, ...error.failure };
    };
    expect(await failure({ features: MEASUREMENTS.slice(0, 3) })).toMatchObject({
      nodeId: 'm',
      param: 'features',
      said: `node "m": model input 'float_input' expects 4 columns, mapping gives 3`,
    });
    expect(await failure({ inputs: { input: MEASUREMENTS } })).toMatchObject({
      param: 'inputs',
      message: expect.stringContaining("the model has no input 'input' (its inputs: 'float_input')"),
    });
    expect(await failure({})).toMatchObject({
      param: 'features',
      message: expect.stringContaining("list the columns that feed model input 'float_input' (it expects 4)"),
    });
    expect(await failure({ features: MEASUREMENTS, classes: ['a', 'b'] })).toMatchObject({
      param: 'classes',
      message: expect.stringContaining("classes lists 2 labels, but model output 'probabilities' gives 3"),
    });
    expect(await failure({ features: MEASUREMENTS, output: 'label' })).toMatchObject({
      param: 'output',
      message: expect.stringContaining("model output 'label' gives int64 values"),
    });
    expect(await failure({ path: 'test/fixtures/data/iris.csv', features: MEASUREMENTS })).toMatchObject({
      param: 'path',
      message: expect.stringContaining('is not an ONNX model onnxruntime can load'),
    });
  });

  it('refuses a text column where the model takes numbers, naming the column', async () => {
    const model = (
      await runNodeForTest('model.onnx', {
        path: IRIS_MODEL,
        features: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'species'],
        classes: SPECIES,
      })
    ).outputs.model as ModelBundle;
    const iris = await loadCsvTable('test/fixtures/data/iris.csv');
    const error = (await runNodeForTest('evaluate.score', {}, { model, in: iris }).catch((e: unknown) => e)) as {
      failure: { column?: string; message: string };
    };
    expect(error.failure).toMatchObject({
      column: 'species',
      message: expect.stringContaining(`column "species" holds text, but model input 'float_input' takes float32`),
    });
  });
});
