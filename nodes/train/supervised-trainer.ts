import { z } from 'zod';
import { NodeError } from '../core/errors.js';
import type { ColumnBatch, NodeContext, NodeInputs, ProgressDetail } from '../core/define-node.js';
import type { CrossValidationReport, MeanStdMetric } from '../core/metrics.js';
import type { FeatureEncoding, ModelBundle, ModelTask } from '../core/values.js';
import { classificationMetrics } from '../evaluate/classification-metrics.js';
import { regressionMetrics } from '../evaluate/regression-metrics.js';
import { classLabels, type ClassValue } from './class-labels.js';
import { meanStd, seededRandom, shuffleInPlace, stratifiedFolds } from './cross-validation.js';
import { fitEncoding } from './feature-encoding.js';
import { rawInputColumns } from './model-inputs.js';
import { bestClass, predictorFor } from './model-scoring.js';
import { readTrainingTable, regressionTargets, resolveTask, type TaskParam } from './trainer-input.js';

/** The params every supervised trainer takes. */
export const trainerParams = {
  label: z.string().min(1),
  features: z.array(z.string().min(1)).default([]),
  folds: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(0)
    .refine((k) => k !== 1, 'folds is 0 (no cross-validation) or at least 2'),
};

export const trainerParamDocs = {
  label: 'The column to predict.',
  features: 'Columns to learn from. Empty: every column except the label. Text columns are one-hot encoded.',
  folds: 'k for k-fold cross-validation (stratified for classes), reported with the model as mean ± std; 0: off.',
};

export const taskParam = z.enum(['auto', 'classification', 'regression']).default('auto');
export const taskParamDoc =
  'classification or regression; auto: text, boolean and whole-number labels with at most 20 values are classes, other numbers regression.';

/** The rows a fit learns from: indices into the batch, their targets and the encoding fitted on them. */
export interface FitData {
  batch: ColumnBatch;
  rows: Int32Array;
  encoding: FeatureEncoding;
  task: Exclude<ModelTask, 'clustering'>;
  /** Class index per row (classification) or the number to predict (regression). */
  targets: Int32Array | Float64Array;
  /** Number of classes (classification), 0 for regression. */
  classCount: number;
}

export interface FitHooks {
  /** True for the model that is kept, false for a cross-validation fold. */
  final: boolean;
  /** Share of this fit done (0..1), with epoch and loss details; lets events and cancel through now and then. */
  progress(fraction: number, detail?: ProgressDetail): Promise<void>;
  signal: AbortSignal;
}

export interface SupervisedAlgorithm<P> {
  algorithm: string;
  /** Whether numeric features are standardised (distance and gradient models) or kept in their units. */
  standardize: boolean;
  /** The task from the params and label, or the only task this algorithm does. */
  task(params: P, batch: ColumnBatch, label: string): Exclude<ModelTask, 'clustering'>;
  fit(
    ctx: NodeContext,
    data: FitData,
    params: P,
    hooks: FitHooks,
  ): Promise<{ state: Record<string, unknown>; summary?: Record<string, unknown> }>;
}

/** The task param resolved, for trainers that do both. */
export function taskFromParam(params: { task: TaskParam }, batch: ColumnBatch, label: string) {
  return resolveTask(params.task, batch, label);
}

/** How long a fit may hold the thread before letting progress, logs and cancel through. */
const YIELD_EVERY_MS = 50;

/**
 * What every supervised trainer does around its algorithm: read and check
 * the table, turn the label into classes or numbers, fit the feature
 * encoding on the training rows, fit, cross-validate when `folds` is set,
 * and package the bundle (encoding, classes, fitted transforms) that scores
 * raw rows.
 */
export async function runSupervisedTrainer<P extends { label: string; features: string[]; folds: number }>(
  ctx: NodeContext,
  inputs: NodeInputs,
  params: P,
  algorithm: SupervisedAlgorithm<P>,
): Promise<{ model: ModelBundle }> {
  const started = Date.now();
  const { input, label, features, batch } = await readTrainingTable(ctx, inputs, params);
  const labelName = (label as NonNullable<typeof label>).name;
  const task = algorithm.task(params, batch, labelName);
  let rows: Int32Array;
  let targets: Int32Array | Float64Array;
  let classes: ClassValue[] | undefined;
  if (task === 'classification') {
    const labelled = classLabels(batch, labelName);
    ({ rows, targets, classes } = labelled);
  } else {
    ({ rows, values: targets } = regressionTargets(batch, labelName));
  }
  const skipped = batch.rowCount - rows.length;
  if (skipped > 0) ctx.log(`left out ${skipped} rows without a label`, 'warn');
  if (params.folds > rows.length) {
    throw new NodeError(`folds (${params.folds}) is more than the ${rows.length} labelled rows`, { param: 'folds' });
  }

  const featureNames = features.map((f) => f.name);
  const classCount = classes?.length ?? 0;
  const fits = 1 + params.folds;
  const pace = pacer(ctx);
  const hooksFor = (index: number): FitHooks => ({
    final: index === 0,
    signal: ctx.signal,
    progress: async (fraction, detail) => {
      const pct = ((index + Math.min(Math.max(fraction, 0), 1)) / fits) * 100;
      if (index === 0) ctx.progress(pct, detail);
      else ctx.progress(pct, { detail: `cross-validation fold ${index} of ${params.folds}` });
      await pace();
    },
  });

  const encoding = fitEncoding(batch, featureNames, rows, { standardize: algorithm.standardize });
  const data: FitData = { batch, rows, encoding, task, targets, classCount };
  const { state, summary } = await algorithm.fit(ctx, data, params, hooksFor(0));
  ctx.log(`trained ${algorithm.algorithm} (${task}) on ${rows.length} rows, ${encoding.width} encoded features`);

  const cv = params.folds >= 2 ? await crossValidate(ctx, data, featureNames, params, algorithm, hooksFor) : undefined;
  if (cv) {
    const scores = Object.entries(cv)
      .filter((entry): entry is [string, MeanStdMetric] => typeof entry[1] !== 'number')
      .map(([name, value]) => `${name} ${value.mean.toFixed(4)} ± ${value.std.toFixed(4)}`);
    ctx.log(`${params.folds}-fold cross-validation: ${scores.join(', ')}`);
  }
  ctx.progress(100);

  const model: ModelBundle = {
    kind: 'model',
    key: `${ctx.jobKey}:model`,
    format: 'pipewright-model/v1',
    algorithm: algorithm.algorithm,
    task,
    label: labelName,
    ...(classes ? { classes } : {}),
    inputs: rawInputColumns(features, input.transforms),
    transforms: input.transforms,
    encoding,
    state,
    training: {
      rows: rows.length,
      ...summary,
      backend: ctx.tf.getBackend(),
      durationMs: Date.now() - started,
      ...(cv ? { cv } : {}),
    },
  };
  return { model };
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

/** Shuffled k-fold assignment for regression (stratified for classes). */
function foldAssignment(data: FitData, folds: number): Int32Array {
  if (data.task === 'classification') return stratifiedFolds(data.targets as Int32Array, folds);
  const random = seededRandom(42);
  const order = Array.from(data.rows.keys());
  shuffleInPlace(order, random);
  const assignment = new Int32Array(order.length);
  order.forEach((at, position) => (assignment[at] = position % folds));
  return assignment;
}

async function crossValidate<P extends { folds: number }>(
  ctx: NodeContext,
  data: FitData,
  features: string[],
  params: P,
  algorithm: SupervisedAlgorithm<P>,
  hooksFor: (index: number) => FitHooks,
): Promise<CrossValidationReport> {
  const folds = params.folds;
  const assignment = foldAssignment(data, folds);
  const scores: Record<string, number[]> = {};
  const predict = predictorFor(algorithm.algorithm);
  for (let fold = 0; fold < folds; fold++) {
    const trainAt: number[] = [];
    const testAt: number[] = [];
    assignment.forEach((f, i) => (f === fold ? testAt : trainAt).push(i));
    const trainRows = Int32Array.from(trainAt, (i) => data.rows[i]);
    const testRows = Int32Array.from(testAt, (i) => data.rows[i]);
    // Each fold fits its own encoding: the held-out rows must not leak into the means.
    const encoding = fitEncoding(data.batch, features, trainRows, { standardize: algorithm.standardize });
    const pick = <T extends Int32Array | Float64Array>(values: T, at: number[]): T =>
      (values instanceof Int32Array
        ? Int32Array.from(at, (i) => values[i])
        : Float64Array.from(at, (i) => values[i])) as T;
    const foldData: FitData = { ...data, rows: trainRows, encoding, targets: pick(data.targets, trainAt) };
    const { state } = await algorithm.fit(ctx, foldData, params, hooksFor(fold + 1));
    const outputs = predict({ task: data.task, encoding, state }, data.batch, testRows);
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
