import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { esmExportRefusal, type ModelBundle, type PortValue, type SqlValue, type TableRef } from '@pipewright/nodes';
import { loadSplit, runNodeForTest } from '../runtime/testing.js';
import { rowSchema, type RequestRow } from '../predict/request-rows.js';
import { answerJson, scoreRequest, type ScoredRows } from '../predict/score-rows.js';
import { servingBundle } from '../predict/serving-bundle.js';
import { writeEsModule, type EsModuleMetadata } from './esm-writer.js';

interface ExportedModule {
  predict(rows: unknown): ScoredRows;
  schema: ReturnType<typeof rowSchema>;
  metadata: EsModuleMetadata;
}

const dir = mkdtempSync(join(tmpdir(), 'pipewright-esm-'));

/** The module written to a file of its own and imported as any ES module is. */
async function importModule(model: ModelBundle, name: string): Promise<{ module: ExportedModule; text: string }> {
  const bytes = writeEsModule(model, name);
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, bytes);
  return { module: (await import(pathToFileURL(path).href)) as ExportedModule, text: new TextDecoder().decode(bytes) };
}

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
      ['clean.outliers', { columns: ['beak_depth_mm'], method: 'iqr', action: 'clip' }],
      ['feature.scale', { columns: ['flipper_length_mm'], method: 'robust' }],
      ['feature.bin', { column: 'body_mass_g', bins: 4 }],
      ['feature.onehot', { columns: ['island'] }],
    ],
  },
  { trainer: 'train.logistic', params: { label: 'diagnosis' }, dataset: 'breast_cancer' },
  { trainer: 'train.linear', params: { label: 'progression' }, dataset: 'diabetes' },
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
  { trainer: 'train.knn', params: { label: 'species', k: 5 }, dataset: 'iris' },
  { trainer: 'train.knn', params: { label: 'progression', k: 7 }, dataset: 'diabetes' },
  { trainer: 'train.kmeans', params: { k: 3, features: ['sepal length (cm)', 'petal width (cm)'] }, dataset: 'iris' },
  { trainer: 'train.dummy', params: { label: 'species' }, dataset: 'iris' },
];

/** How far two numbers are apart, relative to their size from 1 up. */
const gap = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('ES module export', () => {
  it.each(CASES)(
    '$trainer on $dataset: the imported module predicts the withheld rows as evaluate.score and the prediction service do',
    async (c) => {
      const { train, test } = await loadSplit(c.dataset);
      const model = (await runNodeForTest(c.trainer, c.params, { in: await prepare(train, c.steps ?? []) })).outputs
        .model as ModelBundle;
      const scoredRun = await runNodeForTest('evaluate.score', {}, { model, in: test });
      const scored = await scoredRun.readTable(scoredRun.outputs.out as PortValue);
      // The rows as a request carries them: JSON values, the label and all.
      const rows = JSON.parse(JSON.stringify(await scoredRun.readTable(test))) as RequestRow[];
      const service = JSON.parse(
        answerJson(
          model,
          scoreRequest(servingBundle(model, 'm', 1, { runId: null, nodeId: 't' }), rowSchema(model), { rows }),
          1,
        ),
      ) as ScoredRows;

      const { module, text } = await importModule(model, c.trainer.replace('.', '-') + '-' + c.dataset);
      expect(text).not.toMatch(/^\s*import[\s{*]/m);
      expect(module.metadata).toMatchObject({ algorithm: model.algorithm, task: model.task });
      expect(module.schema.columns.map((column) => column.name)).toEqual(model.inputs.map((input) => input.name));
      const answer = module.predict(rows);
      expect(answer.predictions).toHaveLength(scored.length);

      if (model.task === 'regression') {
        answer.predictions.forEach((p, i) => {
          expect(gap(p as number, scored[i].prediction as number)).toBeLessThanOrEqual(1e-9);
          expect(gap(p as number, service.predictions[i] as number)).toBeLessThanOrEqual(1e-9);
        });
        return;
      }
      expect(answer.predictions).toEqual(scored.map((row) => row.prediction));
      expect(answer.predictions).toEqual(service.predictions);
      if (model.task !== 'classification') return;
      let worst = 0;
      answer.probabilities!.forEach((probabilities, i) => {
        for (const cls of model.classes ?? []) {
          const p = probabilities[String(cls)];
          worst = Math.max(
            worst,
            Math.abs(p - (scored[i][`probability_${String(cls)}`] as number)),
            Math.abs(p - service.probabilities![i][String(cls)]),
          );
        }
      });
      expect(worst).toBeLessThanOrEqual(1e-9);
    },
  );

  it('refuses a row missing a field, naming the row and the field, as the prediction service does', async () => {
    const { train, test } = await loadSplit('iris');
    const model = (await runNodeForTest('train.logistic', { label: 'species' }, { in: train })).outputs
      .model as ModelBundle;
    const { module } = await importModule(model, 'iris-logistic');
    const rows = (await runNodeForTest('evaluate.score', {}, { model, in: test }).then((run) =>
      run.readTable(test),
    )) as Record<string, SqlValue>[];
    const broken = rows.slice(0, 3).map((row) => ({ ...row }));
    delete broken[2]['petal width (cm)'];
    expect(() => module.predict(broken)).toThrow('row 2: field "petal width (cm)" is missing (a number is needed)');
    broken[2]['petal width (cm)'] = 'wide';
    expect(() => module.predict(broken)).toThrow(
      'row 2: field "petal width (cm)" must be a number; got the text "wide"',
    );
    expect(() => module.predict({ rows: broken })).toThrow(/predict takes a list of rows/);
    expect(module.predict(rows.slice(0, 2)).predictions).toHaveLength(2);
  });

  it('exports every catalog trainer; an imported ONNX model is refused with the reason', () => {
    expect(esmExportRefusal({ algorithm: 'knn' })).toBeUndefined();
    expect(esmExportRefusal({ algorithm: 'onnx' })).toMatch(
      /scored by onnxruntime, which a plain ES module does not carry/,
    );
    expect(esmExportRefusal({ algorithm: 'svm' })).toMatch(/no Pipewright trainer scores "svm" models/);
  });
});
