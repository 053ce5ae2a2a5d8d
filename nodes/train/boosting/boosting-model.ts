import type { ColumnBatch } from '../../core/define-node.js';
import type { FeatureEncoding, ModelTask } from '../../core/values.js';
import { seededRandom, shuffleInPlace } from '../cross-validation.js';
import { encodeCompact, encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import { applyBins, fitBins } from '../histogram/binned-features.js';
import { growGradientTree, gradientTreeValue, type GradientTree } from '../histogram/gradient-tree.js';
import { isTree, type TreeArrays } from '../tree/tree-model.js';

/**
 * Gradient-boosted trees as plain JSON: the raw score of a row is
 * baseline + Σ trees (one tree an iteration, or one a class an iteration
 * for more than two classes, iteration by iteration), then the link:
 * identity (regression), logistic (two classes: P(second class)) or
 * softmax.
 */
export interface BoostingState {
  link: 'identity' | 'logistic' | 'softmax';
  /** Raw scores before any tree: one, or one a class (softmax). */
  baseline: number[];
  /** Trees in the encoded space, outputs 1; trees.length is a multiple of baseline.length. */
  trees: TreeArrays[];
}

export interface BoostingOptions {
  iterations: number;
  learningRate: number;
  maxLeaves: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2: number;
  maxBins: number;
  /** Share of the rows held out to stop early on (0: no early stopping). */
  validationShare: number;
  /** Stop when the validation loss has not improved by more than tol in this many iterations. */
  patience: number;
  tol: number;
  seed: number;
  signal?: AbortSignal;
  /** After each iteration: its training loss and, with early stopping, validation loss. */
  onIteration?: (iteration: number, loss: number, valLoss?: number) => Promise<void>;
}

export interface BoostingInput {
  encoding: FeatureEncoding;
  batch: ColumnBatch;
  rows: Int32Array;
  task: ModelTask;
  targets: Int32Array | Float64Array;
  classCount: number;
}

export interface BoostingFit {
  state: BoostingState;
  iterations: number;
  loss: number;
  valLoss?: number;
  validationRows: number;
  /** Share of the total split gain per feature (of the encoding), largest first. */
  importance: Record<string, number>;
}

const EPS = 2.220446049250313e-16;

/**
 * Histogram gradient boosting as scikit-learn's HistGradientBoosting
 * fits it: features binned once (255 bins), each iteration one tree per
 * output on the loss's gradients and hessians (half squared error, log
 * loss, multinomial log loss), grown leaf-wise to `maxLeaves`, leaves
 * shrunk by the learning rate. With a validation share, the held-out rows
 * (stratified for classes) are scored every iteration and training stops
 * when their loss has not improved by more than `tol` for `patience`
 * iterations, keeping every tree grown so far (as scikit-learn does).
 */
export async function fitBoosting(input: BoostingInput, options: BoostingOptions): Promise<BoostingFit> {
  const { encoding, batch, task, classCount } = input;
  const { train, validation } = holdOut(input, options.validationShare, options.seed);
  const compact = encodeCompact(encoding, batch, input.rows);
  const binnedFeatures = fitBins(encoding, compact, train, options.maxBins);
  const binned = applyBins(binnedFeatures, compact);
  const link: BoostingState['link'] =
    task === 'classification' ? (classCount > 2 ? 'softmax' : 'logistic') : 'identity';
  const outputs = link === 'softmax' ? classCount : 1;
  const targets = input.targets;
  const pickTargets = (at: Int32Array) =>
    targets instanceof Int32Array ? Int32Array.from(at, (i) => targets[i]) : Float64Array.from(at, (i) => targets[i]);
  const yTrain = pickTargets(train);
  const yVal = pickTargets(validation);
  const baseline = baselineOf(link, yTrain, outputs);
  const rawTrain = new Float64Array(train.length * outputs);
  const rawVal = new Float64Array(validation.length * outputs);
  for (let i = 0; i < train.length; i++) rawTrain.set(baseline, i * outputs);
  for (let i = 0; i < validation.length; i++) rawVal.set(baseline, i * outputs);

  const gradient = new Float64Array(train.length);
  const hessian = new Float64Array(train.length);
  const probabilities = new Float64Array(train.length * outputs);
  const trees: TreeArrays[] = [];
  const gains = new Float64Array(binnedFeatures.length);
  const valLosses: number[] = [];
  if (validation.length) valLosses.push(lossOf(link, rawVal, yVal, outputs));
  let loss = lossOf(link, rawTrain, yTrain, outputs);
  let iterations = 0;
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    if (options.signal?.aborted) break;
    if (link === 'softmax') softmaxRows(rawTrain, probabilities, outputs);
    const grown: GradientTree[] = [];
    for (let k = 0; k < outputs; k++) {
      const constantHessian = link === 'identity';
      for (let i = 0; i < train.length; i++) {
        if (link === 'identity') gradient[i] = rawTrain[i] - (yTrain[i] as number);
        else if (link === 'logistic') {
          const p = 1 / (1 + Math.exp(-rawTrain[i]));
          gradient[i] = p - (yTrain[i] as number);
          hessian[i] = p * (1 - p);
        } else {
          const p = probabilities[i * outputs + k];
          gradient[i] = p - (yTrain[i] === k ? 1 : 0);
          hessian[i] = p * (1 - p);
        }
      }
      grown.push(
        growGradientTree(binned, train, gradient, hessian, constantHessian, {
          maxLeaves: options.maxLeaves,
          maxDepth: options.maxDepth,
          minSamplesLeaf: options.minSamplesLeaf,
          l2: options.l2,
          shrinkage: options.learningRate,
        }),
      );
    }
    // Trees of one iteration all see the scores before it, then all add.
    grown.forEach((tree, k) => {
      for (let i = 0; i < train.length; i++) rawTrain[i * outputs + k] += tree.leafValue[i];
      for (let i = 0; i < validation.length; i++) {
        rawVal[i * outputs + k] += gradientTreeValue(tree, binned, validation[i]);
      }
      for (let f = 0; f < gains.length; f++) gains[f] += tree.gains[f];
      trees.push(tree.tree);
    });
    iterations = iteration;
    loss = lossOf(link, rawTrain, yTrain, outputs);
    let valLoss: number | undefined;
    if (validation.length) {
      valLoss = lossOf(link, rawVal, yVal, outputs);
      valLosses.push(valLoss);
    }
    await options.onIteration?.(iteration, loss, valLoss);
    if (validation.length && shouldStop(valLosses, options.patience, options.tol)) break;
  }
  const total = gains.reduce((sum, g) => sum + g, 0);
  const importance = Object.fromEntries(
    encoding.features
      .map((feature, f) => [feature.column, total > 0 ? gains[f] / total : 0] as const)
      .sort((a, b) => b[1] - a[1]),
  );
  return {
    state: { link, baseline: Array.from(baseline), trees },
    iterations,
    loss,
    ...(validation.length ? { valLoss: valLosses[valLosses.length - 1] } : {}),
    validationRows: validation.length,
    importance,
  };
}

/**
 * Positions (into input.rows) of the training and the held-out rows: a
 * seeded shuffle, per class for classification so both keep the class
 * shares. No rows are held out for a share of 0.
 */
function holdOut(input: BoostingInput, share: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const n = input.rows.length;
  if (share <= 0) return { train: Int32Array.from({ length: n }, (_, i) => i), validation: new Int32Array(0) };
  const random = seededRandom(seed + 1);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = input.task === 'classification' ? input.targets[i] : 0;
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  // round(n · share) rows in all, each group's share floored, the rest to the largest remainders.
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const exact = keys.map((key) => (groups.get(key) as number[]).length * share);
  const quota = exact.map(Math.floor);
  let left = Math.round(n * share) - quota.reduce((a, b) => a + b, 0);
  for (const g of keys.map((_, g) => g).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b)) {
    if (left-- <= 0) break;
    quota[g]++;
  }
  const validation: number[] = [];
  const train: number[] = [];
  keys.forEach((key, g) => {
    const group = groups.get(key) as number[];
    shuffleInPlace(group, random);
    validation.push(...group.slice(0, quota[g]));
    train.push(...group.slice(quota[g]));
  });
  const ascending = (values: number[]) => Int32Array.from(values).sort();
  return { train: ascending(train), validation: ascending(validation) };
}

/** The raw score that best fits the targets with no tree: the mean, the log-odds, or the log class shares. */
function baselineOf(link: BoostingState['link'], targets: Int32Array | Float64Array, outputs: number): Float64Array {
  const n = Math.max(targets.length, 1);
  let sum = 0;
  for (const y of targets) sum += y;
  if (link === 'identity') return Float64Array.of(sum / n);
  if (link === 'logistic') {
    const p = Math.min(Math.max(sum / n, EPS), 1 - EPS);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const shares = new Float64Array(outputs);
  for (const y of targets) shares[y] += 1 / n;
  const logs = shares.map((p) => Math.log(Math.min(Math.max(p, EPS), 1 - EPS)));
  const mean = logs.reduce((sum, v) => sum + v, 0) / outputs;
  return logs.map((v) => v - mean);
}

function softmaxRows(raw: Float64Array, out: Float64Array, outputs: number): void {
  for (let at = 0; at < raw.length; at += outputs) {
    let max = -Infinity;
    for (let k = 0; k < outputs; k++) max = Math.max(max, raw[at + k]);
    let sum = 0;
    for (let k = 0; k < outputs; k++) sum += out[at + k] = Math.exp(raw[at + k] - max);
    for (let k = 0; k < outputs; k++) out[at + k] /= sum;
  }
}

/** Mean loss of raw scores: half squared error, log loss or multinomial log loss. */
function lossOf(
  link: BoostingState['link'],
  raw: Float64Array,
  targets: Int32Array | Float64Array,
  outputs: number,
): number {
  const n = targets.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (link === 'identity') sum += 0.5 * (raw[i] - targets[i]) ** 2;
    else if (link === 'logistic') {
      // log(1 + e^raw) − y·raw, computed without overflow.
      const z = raw[i];
      sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - targets[i] * z;
    } else {
      let max = -Infinity;
      for (let k = 0; k < outputs; k++) max = Math.max(max, raw[i * outputs + k]);
      let total = 0;
      for (let k = 0; k < outputs; k++) total += Math.exp(raw[i * outputs + k] - max);
      sum += max + Math.log(total) - raw[i * outputs + targets[i]];
    }
  }
  return sum / n;
}

/** scikit-learn's rule: none of the last `patience` losses beat the one before them by more than tol. */
function shouldStop(losses: number[], patience: number, tol: number): boolean {
  if (losses.length < patience + 1) return false;
  const reference = losses[losses.length - patience - 1] - tol;
  return losses.slice(-patience).every((loss) => !(loss < reference));
}

/** A tree's value for encoded row i (outputs 1). */
function treeValue(tree: TreeArrays, x: Float32Array, at: number): number {
  let node = 0;
  while (tree.feature[node] !== -1) {
    node = x[at + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

/** Outputs of encoded rows (count × width): probabilities per class, or the number. */
export function boostingOutputs(state: BoostingState, x: Float32Array, count: number, width: number): Float64Array {
  const k = state.baseline.length;
  const raw = new Float64Array(count * k);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < k; c++) raw[i * k + c] = state.baseline[c];
    for (let t = 0; t < state.trees.length; t++) raw[i * k + (t % k)] += treeValue(state.trees[t], x, i * width);
  }
  if (state.link === 'identity') return raw;
  if (state.link === 'logistic') {
    const out = new Float64Array(count * 2);
    for (let i = 0; i < count; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const out = new Float64Array(raw.length);
  softmaxRows(raw, out, k);
  return out;
}

/** The state, checked against the model it is in. */
export function boostingState(model: ModelView): BoostingState {
  const width = model.encoding.width;
  return modelState<BoostingState>(model, 'boosting', (s) => {
    const link = s.link;
    const baseline = s.baseline as unknown;
    if (!Array.isArray(baseline) || !baseline.every((v) => Number.isFinite(v))) return false;
    const classes = model.classes?.length;
    const fits =
      model.task === 'classification'
        ? (link === 'logistic' && baseline.length === 1 && (classes ?? 2) === 2) ||
          (link === 'softmax' && baseline.length > 2 && (classes ?? baseline.length) === baseline.length)
        : link === 'identity' && baseline.length === 1;
    return (
      fits &&
      Array.isArray(s.trees) &&
      s.trees.length % baseline.length === 0 &&
      s.trees.every((tree) => isTree(tree, 1, width))
    );
  });
}

export function predictBoosting(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const state = boostingState(model);
  const width = model.encoding.width;
  const x = encodeFeatures(model.encoding, batch, rows);
  return boostingOutputs(state, x, x.length / Math.max(width, 1), width);
}
