import { NodeError } from '../core/errors.js';
import type { NodeContext, NodeInputs } from '../core/define-node.js';
import type { CrossValidationReport, MeanStdMetric } from '../core/metrics.js';
import type { ModelBundle } from '../core/values.js';
import { classificationMetrics } from '../evaluate/classification-metrics.js';
import { regressionMetrics } from '../evaluate/regression-metrics.js';
import { bestClass, classLabels, type ClassValue } from './class-labels.js';
import { meanStd, seededRandom, shuffleInPlace, stratifiedFolds } from './cross-validation.js';
import type { BaseTrainerParams, FitData, FitHooks, FitResult, Predictor } from './define-trainer.js';
import { fitEncoding } from './feature-encoding.js';
import { rawInputColumns } from './model-inputs.js';
import { readTrainingTable, regressionTargets, resolveTask, type TaskParam } from './trainer-input.js';

/** The parts of a trainer's declaration that training reads. */
export interface TrainerAlgorithm<P> {
  algorithm: string;
  tasks: readonly string[];
  standardize: boolean;
  fit(ctx: NodeContext, data: FitData, params: P, hooks: FitHooks): Promise<FitResult>;
  predict: Predictor;
}

/** How long a fit may hold the thread before letting progress, logs and cancel through. */
const YIELD_EVERY_MS = 50;

/**
 * What every trainer does around its algorithm: read and check the table,
 * turn the label into classes or numbers, fit the feature encoding on the
 * training rows, fit, cross-validate when `folds` is set, and package the
 * bundle (encoding, classes, fitted transforms) that scores raw rows.
 * Clustering has no label and no folds: every row is fitted.
 */
export async function trainModel<P extends BaseTrainerParams>(
  ctx: NodeContext,
  inputs: NodeInputs,
  params: P,
  trainer: TrainerAlgorithm<P>,
): Promise<{ model: ModelBundle }> {
  const started = Date.now();
  const { input, label, features, data, classes } = await prepareFit(ctx, inputs, params, trainer);
  const { rows, task } = data;
  const folds = params.folds ?? 0;
  if (folds > rows.length && task !== 'clustering') {
    throw new NodeError(`folds (${folds}) is more than the ${rows.length} labelled rows`, { param: 'folds' });
  }
  const featureNames = features.map((f) => f.name);
  const fits = 1 + folds;
  const pace = pacer(ctx);
  const hooksFor = (index: number): FitHooks => ({
    final: index === 0,
    signal: ctx.signal,
    progress: async (fraction, detail) => {
      const pct = ((index + Math.min(Math.max(fraction, 0), 1)) / fits) * 100;
      if (index === 0) ctx.progress(pct, detail);
      else ctx.progress(pct, { detail: `cross-validation fold ${index} of ${folds}` });
      await pace();
    },
  });

  const { encoding } = data;
  const { state, summary } = await trainer.fit(ctx, data, params, hooksFor(0));
  if (task !== 'clustering') {
    ctx.log(`trained ${trainer.algorithm} (${task}) on ${rows.length} rows, ${encoding.width} encoded features`);
  }

  const cv = folds >= 2 ? await crossValidate(ctx, data, featureNames, params, trainer, hooksFor) : undefined;
  if (cv) {
    const scores = Object.entries(cv)
      .filter((entry): entry is [string, MeanStdMetric] => typeof entry[1] !== 'number')
      .map(([name, value]) => `${name} ${value.mean.toFixed(4)} ± ${value.std.toFixed(4)}`);
    ctx.log(`${folds}-fold cross-validation: ${scores.join(', ')}`);
  }
  ctx.progress(100);

  const model: ModelBundle = {
    kind: 'model',
    key: `${ctx.jobKey}:model`,
    format: 'pipewright-model/v1',
    algorithm: trainer.algorithm,
    task,
    ...(task !== 'clustering' && label ? { label: label.name } : {}),
    ...(classes ? { classes } : {}),
    inputs: rawInputColumns(features, input.transforms),
    transforms: input.transforms,
    encoding,
    state,
    training:
      task === 'clustering'
        ? { rows: rows.length, ...summary, durationMs: Date.now() - started }
        : {
            rows: rows.length,
            ...summary,
            backend: ctx.tf.getBackend(),
            durationMs: Date.now() - started,
            ...(cv ? { cv } : {}),
          },
  };
  return { model };
}

/** What a fit starts from: the table read and checked, the rows with a label, their targets and the encoding. */
export interface PreparedFit {
  input: Awaited<ReturnType<typeof readTrainingTable>>['input'];
  label: Awaited<ReturnType<typeof readTrainingTable>>['label'];
  features: Awaited<ReturnType<typeof readTrainingTable>>['features'];
  data: FitData;
  classes?: ClassValue[];
}

/**
 * Reads the training table and fits the feature encoding on its labelled
 * rows: the same for the node's own job and for each of its parts on other
 * workers (which read the same Parquet), so they all fit on the same data.
 */
export async function prepareFit<P extends BaseTrainerParams>(
  ctx: NodeContext,
  inputs: NodeInputs,
  params: P,
  trainer: Pick<TrainerAlgorithm<P>, 'tasks' | 'standardize'>,
): Promise<PreparedFit> {
  const { input, label, features, batch } = await readTrainingTable(ctx, inputs, params);
  const task =
    trainer.tasks.length === 1
      ? (trainer.tasks[0] as FitData['task'])
      : resolveTask((params as unknown as { task: TaskParam }).task, batch, (label as NonNullable<typeof label>).name);
  let rows: Int32Array;
  let targets: Int32Array | Float64Array = new Float64Array(0);
  let classes: ClassValue[] | undefined;
  if (task === 'clustering') {
    rows = Int32Array.from({ length: batch.rowCount }, (_, i) => i);
  } else {
    const labelName = (label as NonNullable<typeof label>).name;
    if (task === 'classification') ({ rows, targets, classes } = classLabels(batch, labelName));
    else ({ rows, values: targets } = regressionTargets(batch, labelName));
    const skipped = batch.rowCount - rows.length;
    if (skipped > 0) ctx.log(`left out ${skipped} rows without a label`, 'warn');
  }
  const encoding = fitEncoding(
    batch,
    features.map((f) => f.name),
    rows,
    { standardize: trainer.standardize },
  );
  const data: FitData = { batch, rows, encoding, task, targets, classCount: classes?.length ?? 0 };
  return { input, label, features, data, ...(classes ? { classes } : {}) };
}

/** Lets the event loop run (progress events, cancel) at most every YIELD_EVERY_MS. */
export function pacer(ctx: NodeContext): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (ctx.signal.aborted) throw new NodeError('cancelled');
    if (Date.now() - last < YIELD_EVERY_MS) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = Date.now();
    if (ctx.signal.aborted) throw new NodeError('cancelled');
  };
}

/** The seed of a trainer's own `folds`: the same folds on every run. */
const FOLD_SEED = 42;

/** Shuffled k-fold assignment for regression (stratified for classes). */
function foldAssignment(data: FitData, folds: number, seed: number): Int32Array {
  if (data.task === 'classification') return stratifiedFolds(data.targets as Int32Array, folds, seed);
  const random = seededRandom(seed);
  const order = Array.from(data.rows.keys());
  shuffleInPlace(order, random);
  const assignment = new Int32Array(order.length);
  order.forEach((at, position) => (assignment[at] = position % folds));
  return assignment;
}

/**
 * k-fold cross-validation of `params` (k = params.folds): each fold fits on
 * the other folds and is scored on its own rows. Every trial of a tuning
 * node uses it with the same `seed`, so trials are compared on the same folds.
 */
export async function crossValidate<P extends BaseTrainerParams>(
  ctx: NodeContext,
  data: FitData,
  features: string[],
  params: P,
  trainer: TrainerAlgorithm<P>,
  hooksFor: (index: number) => FitHooks,
  seed = FOLD_SEED,
): Promise<CrossValidationReport> {
  const folds = params.folds ?? 0;
  const assignment = foldAssignment(data, folds, seed);
  const scores: Record<string, number[]> = {};
  for (let fold = 0; fold < folds; fold++) {
    const trainAt: number[] = [];
    const testAt: number[] = [];
    assignment.forEach((f, i) => (f === fold ? testAt : trainAt).push(i));
    const trainRows = Int32Array.from(trainAt, (i) => data.rows[i]);
    const testRows = Int32Array.from(testAt, (i) => data.rows[i]);
    // Each fold fits its own encoding: the held-out rows must not leak into the means.
    const encoding = fitEncoding(data.batch, features, trainRows, { standardize: trainer.standardize });
    const pick = <T extends Int32Array | Float64Array>(values: T, at: number[]): T =>
      (values instanceof Int32Array
        ? Int32Array.from(at, (i) => values[i])
        : Float64Array.from(at, (i) => values[i])) as T;
    const foldData: FitData = { ...data, rows: trainRows, encoding, targets: pick(data.targets, trainAt) };
    const { state } = await trainer.fit(ctx, foldData, params, hooksFor(fold + 1));
    const outputs = trainer.predict({ task: data.task, encoding, state }, data.batch, testRows);
    const truth = pick(data.targets, testAt);
    const add = (name: string, value: number | null): void => {
      if (value !== null) (scores[name] ??= []).push(value);
    };
    if (data.task === 'classification') {
      const k = data.classCount;
      const predicted = Int32Array.from(testAt, (_, i) => bestClass(outputs, i, k));
      const m = classificationMetrics({ truth: truth as Int32Array, predicted, classCount: k, probabilities: outputs });
      add('accuracy', m.accuracy);
      add('f1', m.f1);
      add('logLoss', m.logLoss);
    } else {
      const m = regressionMetrics(truth as Float64Array, outputs);
      add('r2', m.r2);
      add('rmse', m.rmse);
      add('mae', m.mae);
    }
  }
  return { folds, ...Object.fromEntries(Object.entries(scores).map(([name, values]) => [name, meanStd(values)])) };
}
