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
  for (let q = 0; q < count; q++) {
    let found = 0;
    const base = q * width;
    for (let r = 0; r < state.count; r++) {
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
