import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog, trainerFor, trainers, type AnyTrainer, type ModelBundle, type SqlValue } from '@pipewright/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSplit, readTable, runNodeForTest } from '../runtime/testing.js';
import { servingBundle } from './serving-bundle.js';
import { startStandaloneServer, type StandaloneServer } from './standalone-server.js';

/**
 * Every node that gives a model is a trainer of the catalog, and every
 * trainer's models are scored (evaluate.score), cross-validated (`folds`)
 * and served (`pipewright serve --bundle`'s server, from the bundle as a
 * file) — with the same predictions served as scored. A new trainer is held
 * to this by being listed in nodes/train/trainers.ts, nothing else.
 */

/** Fewer epochs and trees than the defaults, so each trainer takes a moment here. */
const QUICK: Record<string, Record<string, unknown>> = {
  'train.logistic': { epochs: 100 },
  'train.mlp': { epochs: 30, layers: [16] },
  'train.forest': { trees: 10 },
};

/** Iris: species for classes, a petal's width for numbers, every column for clusters. */
const LABELS = { classification: 'species', regression: 'petal width (cm)', clustering: undefined };

interface Case {
  name: string;
  trainer: AnyTrainer;
  task: AnyTrainer['tasks'][number];
  model: ModelBundle;
  scored: Record<string, SqlValue>[];
}

// Two nodes give a model without being a trainer: model.onnx (onnxruntime scores it: nodes/model/onnx,
// test/integration/onnx-import) and train.tune (its model is the tuned trainer's, scored as that trainer's).
const modelNodes = catalog.filter(
  (node) => node.outputs.some((port) => port.type === 'model') && !['model.onnx', 'train.tune'].includes(node.type),
);
const cases: Case[] = [];
let server: StandaloneServer;
let dir: string;
let rows: Record<string, SqlValue>[];

beforeAll(async () => {
  const { train, test } = await loadSplit('iris');
  rows = await readTable(test);
  for (const trainer of trainers) {
    for (const task of trainer.tasks) {
      const label = LABELS[task];
      const shape = trainer.params.shape;
      const params = {
        ...QUICK[trainer.node.type],
        ...(label ? { label } : {}),
        ...('task' in shape ? { task } : {}),
        ...('folds' in shape ? { folds: 2 } : {}),
      };
      const model = (await runNodeForTest(trainer.node.type, params, { in: train })).outputs.model as ModelBundle;
      const scoring = await runNodeForTest('evaluate.score', {}, { model, in: test });
      const scored = await scoring.readTable(scoring.outputs.out);
      cases.push({ name: `${trainer.algorithm}-${task}`, trainer, task, model, scored });
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'pipewright-trainers-'));
  const files = cases
    .filter((c) => c.task !== 'clustering')
    .map((c) => {
      const file = join(dir, `${c.name}.json`);
      writeFileSync(file, JSON.stringify(servingBundle(c.model, c.name, 1, { runId: null, nodeId: 'train' })));
      return file;
    });
  server = await startStandaloneServer({ bundleFiles: files, port: 0, apiKeys: [], open: true, host: '127.0.0.1' });
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the trainer catalog', () => {
  it('holds every node that gives a model, each as train.<algorithm>', () => {
    expect(modelNodes.length).toBeGreaterThan(0);
    for (const node of modelNodes) {
      const trainer = trainerFor(node.type.replace(/^train\./, ''));
      expect(trainer.node).toBe(node);
    }
    expect(trainers.map((t) => t.node)).toEqual(modelNodes);
  });

  it('scores, cross-validates and serves every trainer’s models', async () => {
    expect(cases.map((c) => c.name)).toEqual(trainers.flatMap((t) => t.tasks.map((task) => `${t.algorithm}-${task}`)));
    for (const { name, task, model, scored, trainer } of cases) {
      expect(model.algorithm, name).toBe(trainer.algorithm);
      expect(scored.map((row) => row.prediction).filter((p) => p !== null)).toHaveLength(rows.length);

      if (task === 'clustering') {
        // Clusters are scored, never served: deploy.service refuses them with the reason.
        const refused = await runNodeForTest('deploy.service', { name: 'clusters' }, { model }).catch((e) => e);
        expect(refused.failure.message).toMatch(/clustering model has nothing to predict/);
        continue;
      }
      const cv = model.training.cv as Record<string, { values: number[] }>;
      expect(cv, name).toMatchObject({ folds: 2 });
      expect(cv[task === 'classification' ? 'accuracy' : 'r2'].values, name).toHaveLength(2);

      // The test rows, and three times as many: enough for a tensor kernel's batch path where a trainer has one.
      for (const body of [{ rows }, { rows: [...rows, ...rows, ...rows] }]) {
        const response = await fetch(`${server.url}/api/predict/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status, name).toBe(200);
        const served = (await response.json()) as {
          predictions: SqlValue[];
          probabilities?: Record<string, number>[];
        };
        expect(served.predictions, name).toHaveLength(body.rows.length);
        body.rows.forEach((_, i) => {
          const expected = scored[i % rows.length];
          if (task === 'classification') {
            expect(served.predictions[i], name).toBe(expected.prediction);
            for (const label of model.classes ?? []) {
              expect(served.probabilities?.[i][String(label)], name).toBeCloseTo(
                expected[`probability_${String(label)}`] as number,
                5,
              );
            }
          } else {
            expect(served.predictions[i] as number, name).toBeCloseTo(expected.prediction as number, 4);
          }
        });
      }
    }
  });
});
