// The parity protocol of ../shared/datasets/REFERENCE.md as Pipewright
// pipelines: for one dataset, a pipeline file that reads the train and test
// splits, fills missing numbers with the median and missing text with the
// most frequent value (fitted on train, applied to test through the model's
// transforms), trains every listed model, scores the test rows and evaluates
// them. Runs on the built packages (nodes/dist, server/dist): the real
// runtime, DuckDB and TensorFlow.js, in this process, without a database.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePipeline, registry } from '../../nodes/dist/index.js';
import { adjustedRandIndex } from '../../nodes/dist/train/kmeans/kmeans-model.js';
import { LocalArtifactStore } from '../../server/dist/runtime/artifact-store.js';
import { executeNode } from '../../server/dist/runtime/execute-node.js';
import { loadTensorFlow } from '../../server/dist/runtime/tensorflow-backend.js';
import { readTable } from '../../server/dist/runtime/testing.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SPLITS_DIR = join(REPO_ROOT, 'test/fixtures/data/splits');
/**
 * Where the scale split lives when it is not copied into the repository (it
 * is large): PIPEWRIGHT_SPLITS_DIR, or ../shared/datasets/splits beside the checkout.
 */
const SHARED_SPLITS_DIR = process.env.PIPEWRIGHT_SPLITS_DIR ?? resolve(REPO_ROOT, '../shared/datasets/splits');

export const index = JSON.parse(readFileSync(join(SPLITS_DIR, 'index.json'), 'utf8'));
export const reference = JSON.parse(readFileSync(join(SPLITS_DIR, 'reference.json'), 'utf8'));

/** The datasets of the parity table: every split with a reference, the scale ones only when asked. */
export function parityDatasets({ scale = false } = {}) {
  return Object.keys(reference).filter((name) => index[name]?.train && (scale || index[name].role !== 'scale'));
}

/** The folder holding NAME.train.csv and NAME.test.csv, or undefined. */
export function splitsDirOf(name) {
  return [SPLITS_DIR, SHARED_SPLITS_DIR].find((dir) => existsSync(join(dir, `${name}.train.csv`)));
}

/** The figure each model is held to, from reference.json, as { metric, value, tolerance }. */
export function referenceFigure(name, model) {
  const info = index[name];
  const ref = reference[name][model];
  if (model === 'kmeans') return { metric: 'ari', value: ref.ari, tolerance: 0.05 };
  if (info.task === 'regression') {
    // scikit-learn's LinearRegression breaks down on ames; REFERENCE.md compares with the min-norm fit.
    const value = ref.minNorm ? ref.minNorm.r2 : ref.r2;
    return { metric: 'r2', value, tolerance: 0.03 };
  }
  return { metric: 'accuracy', value: ref.accuracy, tolerance: Math.max(0.02, 1 / info.test_rows) };
}

/** One pipeline file for a dataset and the models asked for (each must be in the catalog). */
export function parityPipeline(name, models) {
  const info = index[name];
  const nodes = [
    { id: 'train', type: 'source.csv', params: { path: `${name}.train.csv` } },
    { id: 'test', type: 'source.csv', params: { path: `${name}.test.csv` } },
    { id: 'median', type: 'clean.missing', params: { strategy: 'median' } },
    { id: 'mode', type: 'clean.missing', params: { strategy: 'mode' } },
  ];
  const edges = [
    { from: 'train.out', to: 'median.in' },
    { from: 'median.out', to: 'mode.in' },
  ];
  for (const model of models) {
    const params =
      model === 'kmeans'
        ? { k: reference[name].kmeans.k, nInit: 10, seed: 0, label: info.label }
        : { label: info.label };
    nodes.push({ id: model, type: `train.${model}`, params });
    nodes.push({ id: `${model}_score`, type: 'evaluate.score', params: {} });
    edges.push({ from: 'mode.out', to: `${model}.in` });
    edges.push({ from: `${model}.model`, to: `${model}_score.model` });
    edges.push({ from: 'test.out', to: `${model}_score.in` });
    if (model !== 'kmeans') {
      const evaluate = info.task === 'regression' ? 'evaluate.regression' : 'evaluate.classification';
      nodes.push({ id: `${model}_metrics`, type: evaluate, params: {} });
      edges.push({ from: `${model}_score.out`, to: `${model}_metrics.in` });
    }
  }
  nodes.forEach((node, i) => (node.position = { x: 240 * (i % 4), y: 140 * Math.floor(i / 4) }));
  return { format: 'pipewright/v1', name: `parity-${name}`, params: {}, nodes, edges };
}

/** Whether train.MODEL is in the built catalog. */
export function isBuilt(model) {
  return registry.get(`train.${model}`) !== undefined;
}

/**
 * Runs the parity pipeline of a dataset and returns, per model, what it
 * scored: { metric, ours, fitSeconds, scoreSeconds, metrics } or { error }
 * (scoreSeconds: the evaluate.score node's time on the test rows).
 */
export async function runParity(name, models, { log = () => undefined } = {}) {
  const dataDir = splitsDirOf(name);
  if (!dataDir) return Object.fromEntries(models.map((m) => [m, { error: `no split files for ${name}` }]));
  const plan = compilePipeline(parityPipeline(name, models), { registry });
  const scratch = mkdtempSync(join(tmpdir(), 'pipewright-parity-'));
  const { tf } = await loadTensorFlow({ log: () => undefined });
  const store = new LocalArtifactStore(join(scratch, 'store'));
  const outputs = new Map();
  const failed = new Map();
  const durations = new Map();
  try {
    for (const job of plan.jobs) {
      const upstreamFailure = job.dependsOn.find((id) => failed.has(id));
      if (upstreamFailure) {
        failed.set(job.nodeId, failed.get(upstreamFailure));
        continue;
      }
      const inputs = Object.fromEntries(
        Object.entries(job.inputs).map(([port, from]) => [port, outputs.get(from.nodeId)[from.port]]),
      );
      try {
        const result = await executeNode(
          { runId: `parity-${name}`, ...job, inputs, useCache: false },
          {
            store,
            tf,
            dataDirs: [dataDir],
            workDir: join(scratch, 'work'),
            signal: new globalThis.AbortController().signal,
            onProgress: () => undefined,
            onLog: (level, message) => (level !== 'info' ? log(`${name}/${job.nodeId}: ${message}`) : undefined),
          },
        );
        outputs.set(job.nodeId, result.outputs);
        durations.set(job.nodeId, result.durationMs);
      } catch (error) {
        failed.set(job.nodeId, error instanceof Error ? error.message : String(error));
      }
    }
    const results = {};
    for (const model of models) {
      const { metric } = referenceFigure(name, model);
      const error = failed.get(`${model}_metrics`) ?? failed.get(`${model}_score`) ?? failed.get(model);
      if (error) {
        results[model] = { metric, error };
        continue;
      }
      const fitSeconds = durations.get(model) / 1000;
      const scoreSeconds = durations.get(`${model}_score`) / 1000;
      if (model === 'kmeans') {
        const rows = await readTable(outputs.get('kmeans_score').out, store);
        const label = index[name].label;
        const ours = adjustedRandIndex(
          rows.map((row) => row[label]),
          rows.map((row) => row.prediction),
        );
        const training = outputs.get('kmeans').model.training;
        results[model] = { metric, ours, fitSeconds, scoreSeconds, metrics: { ari: ours, ariTrain: training.ari } };
        continue;
      }
      const metrics = outputs.get(`${model}_metrics`).metrics.metrics;
      results[model] = { metric, ours: metrics[metric], fitSeconds, scoreSeconds, metrics };
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Pass when ours is within the tolerance of the reference, or better. */
export function passes(figure, ours) {
  return typeof ours === 'number' && ours >= figure.value - figure.tolerance - 1e-9;
}
