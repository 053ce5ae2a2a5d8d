import type { ColumnBatch } from '../../core/define-node.js';
import type { FeatureEncoding } from '../../core/values.js';
import { encodeCompact, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import { packFloat32, unpackFloat32 } from './packed-floats.js';

export interface KnnState {
  k: number;
  /** Number of classes (classification); 0 for regression. */
  classCount: number;
  /** Training rows in encodeCompact form (rows × features), packed (packFloat32). */
  rows: string;
  count: number;
  /** Class index or number of each training row. */
  targets: number[];
}

/** A nearest-neighbour model only remembers its training rows. */
export function fitKnn(
  encoding: FeatureEncoding,
  batch: ColumnBatch,
  rows: RowSelection,
  targets: Int32Array | Float64Array,
  classCount: number,
  k: number,
): KnnState {
  const compact = encodeCompact(encoding, batch, rows);
  return { k, classCount, rows: packFloat32(compact), count: targets.length, targets: Array.from(targets) };
}

/**
 * For every row, the k nearest training rows by Euclidean distance over
 * the encoded features, as scikit-learn's KNeighbors* with uniform weights
 * see them: numbers standardised; a text feature counts as its one-hot
 * block would (another category: 2 in squared distance; unknown against a
 * category: 1). Classifiers: the share of each class among the k;
 * regressors: their mean. Ties in distance go to the earlier training row.
 */
export function predictKnn(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.features.length;
  const classification = model.task === 'classification';
  let training: Float32Array | undefined;
  const state = modelState<KnnState>(model, 'knn', (s) => {
    training = unpackFloat32(s.rows);
    const classCount = s.classCount as number;
    const classesFit = classification
      ? Number.isInteger(classCount) && classCount >= 2 && (!model.classes || model.classes.length === classCount)
      : classCount === 0;
    return (
      classesFit &&
      typeof s.k === 'number' &&
      s.k >= 1 &&
      typeof s.count === 'number' &&
      s.k <= s.count &&
      Array.isArray(s.targets) &&
      s.targets.length === s.count &&
      training?.length === s.count * width
    );
  });
  const train = training as Float32Array;
  const categorical = Uint8Array.from(model.encoding.features, (f) => (f.kind === 'onehot' ? 1 : 0));
  const queries = encodeCompact(model.encoding, batch, rows);
  const count = queries.length / Math.max(width, 1);
  const { k, targets } = state;
  const outputs = classification ? state.classCount : 1;
  const out = new Float64Array(count * outputs);
  const nearest = new Int32Array(k);
  const distances = new Float64Array(k);
  const axis = count >= SORTED_SEARCH_FROM ? searchAxis(train, queries, categorical, width) : -1;
  const sorted = axis >= 0 ? sortedAlong(train, state.count, width, axis) : undefined;
  for (let q = 0; q < count; q++) {
    const found = sorted
      ? nearestBySortedAxis(queries, q * width, categorical, width, k, sorted, axis, nearest, distances)
      : nearestByScan(queries, q * width, train, categorical, width, k, state.count, nearest, distances);
    if (!classification) {
      let sum = 0;
      for (let i = 0; i < found; i++) sum += targets[nearest[i]];
      out[q] = sum / found;
    } else {
      for (let i = 0; i < found; i++) out[q * outputs + targets[nearest[i]]] += 1 / found;
    }
  }
  return out;
}

/** From this many query rows, the search sorts the training rows along one number first (the sort costs one scan). */
const SORTED_SEARCH_FROM = 64;

/**
 * The k nearest training rows of the query at `base`, every training row
 * read in order: `nearest` and `distances` sorted by distance, ties to the
 * earlier row. Answers how many were found.
 */
function nearestByScan(
  queries: Float32Array,
  base: number,
  train: Float32Array,
  categorical: Uint8Array,
  width: number,
  k: number,
  rows: number,
  nearest: Int32Array,
  distances: Float64Array,
): number {
  let found = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * width;
    const worst = found === k ? distances[k - 1] : Infinity;
    let d = 0;
    for (let f = 0; f < width && d < worst; f++) {
      const a = queries[base + f];
      const b = train[at + f];
      if (categorical[f]) d += a === b ? 0 : a < 0 || b < 0 ? 1 : 2;
      else d += (a - b) * (a - b);
    }
    if (d >= worst) continue;
    // Insert into the sorted list of the nearest so far.
    let i = found < k ? found++ : k - 1;
    while (i > 0 && distances[i - 1] > d) {
      distances[i] = distances[i - 1];
      nearest[i] = nearest[i - 1];
      i--;
    }
    distances[i] = d;
    nearest[i] = r;
  }
  return found;
}

/**
 * The number feature to sort the training rows along: the one with the most
 * distinct training values; -1 when there is none, or when a value anywhere
 * is not finite (the scan's answer for those is kept as it is).
 */
function searchAxis(train: Float32Array, queries: Float32Array, categorical: Uint8Array, width: number): number {
  for (const values of [train, queries]) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return -1;
  }
  let axis = -1;
  let most = 0;
  for (let f = 0; f < width; f++) {
    if (categorical[f]) continue;
    const distinct = new Set<number>();
    for (let at = f; at < train.length; at += width) distinct.add(train[at]);
    if (distinct.size > most) {
      most = distinct.size;
      axis = f;
    }
  }
  return axis;
}

/** The training rows ordered by their value of feature `axis`: their indices, those values, and the rows in that order. */
interface SortedRows {
  order: Int32Array;
  keys: Float64Array;
  rows: Float32Array;
}

function sortedAlong(train: Float32Array, rows: number, width: number, axis: number): SortedRows {
  const order = Int32Array.from({ length: rows }, (_, r) => r).sort(
    (x, y) => train[x * width + axis] - train[y * width + axis],
  );
  const rowsInOrder = new Float32Array(train.length);
  order.forEach((r, i) => rowsInOrder.set(train.subarray(r * width, (r + 1) * width), i * width));
  return { order, keys: Float64Array.from(order, (r) => train[r * width + axis]), rows: rowsInOrder };
}

/**
 * The same neighbours as nearestByScan — the k smallest by distance, then
 * by training row — found by walking out from the query's place in the rows
 * sorted along one number feature, nearest value first, and stopping once
 * that feature's squared difference alone exceeds the k-th distance: a
 * distance sums non-negative terms in the scan's order, so it is never below
 * any one of them, rounding included.
 */
function nearestBySortedAxis(
  queries: Float32Array,
  base: number,
  categorical: Uint8Array,
  width: number,
  k: number,
  sorted: SortedRows,
  axis: number,
  nearest: Int32Array,
  distances: Float64Array,
): number {
  const { order, keys, rows } = sorted;
  const v = queries[base + axis];
  // The first sorted row whose value is at least v.
  let hi = 0;
  for (let span = keys.length; span > 0;) {
    const half = span >>> 1;
    if (keys[hi + half] < v) {
      hi += half + 1;
      span -= half + 1;
    } else span = half;
  }
  let lo = hi - 1;
  let found = 0;
  while (lo >= 0 || hi < keys.length) {
    const up = hi < keys.length ? keys[hi] - v : Infinity;
    const down = lo >= 0 ? v - keys[lo] : Infinity;
    const step = up <= down ? up : down;
    if (found === k && step * step > distances[k - 1]) break;
    const s = up <= down ? hi++ : lo--;
    const r = order[s];
    const at = s * width;
    const worst = found === k ? distances[k - 1] : Infinity;
    let d = 0;
    for (let f = 0; f < width && d <= worst; f++) {
      const a = queries[base + f];
      const b = rows[at + f];
      if (categorical[f]) d += a === b ? 0 : a < 0 || b < 0 ? 1 : 2;
      else d += (a - b) * (a - b);
    }
    if (d > worst || (d === worst && r > nearest[k - 1])) continue;
    // Insert into the list of the nearest so far, sorted by distance, then by row.
    let i = found < k ? found++ : k - 1;
    while (i > 0 && (distances[i - 1] > d || (distances[i - 1] === d && nearest[i - 1] > r))) {
      distances[i] = distances[i - 1];
      nearest[i] = nearest[i - 1];
      i--;
    }
    distances[i] = d;
    nearest[i] = r;
  }
  return found;
}
