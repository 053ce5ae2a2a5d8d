import type { ColumnBatch } from '../../core/define-node.js';
import { seededRandom } from '../cross-validation.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';

export interface KmeansState {
  k: number;
  /** k × width cluster centres in the encoded space. */
  centers: number[];
  /** Sum of squared distances of the training rows to their centres. */
  inertia: number;
}

export interface KmeansOptions {
  k: number;
  /** Runs from different starts; the one with the lowest inertia is kept. */
  nInit: number;
  maxIter: number;
  seed: number;
  /** Called after each run; may pause to let progress and cancel through. */
  onRun?: (done: number) => Promise<void>;
}

export interface KmeansFit {
  state: KmeansState;
  /** Cluster of each training row. */
  labels: Int32Array;
  iterations: number;
}

/**
 * k-means as scikit-learn's KMeans runs it: greedy k-means++ starts
 * (2 + ⌊ln k⌋ candidates per centre, the one that lowers the potential
 * most), then Lloyd iterations until no row changes cluster or the centres
 * move less than 1e-4 × the mean feature variance; nInit starts, the
 * lowest inertia wins. An emptied cluster restarts at the row farthest
 * from its centre.
 */
export async function fitKmeans(x: Float32Array, width: number, options: KmeansOptions): Promise<KmeansFit> {
  const data = sparseRows(x, width);
  const rows = data.rows;
  const random = seededRandom(options.seed);
  const mean = new Float64Array(width);
  const squares = new Float64Array(width);
  for (let i = 0; i < rows; i++) {
    for (let p = data.start[i]; p < data.start[i + 1]; p++) {
      mean[data.index[p]] += data.value[p] / rows;
      squares[data.index[p]] += (data.value[p] * data.value[p]) / rows;
    }
  }
  let variance = 0;
  for (let j = 0; j < width; j++) variance += Math.max(squares[j] - mean[j] * mean[j], 0) / width;
  const tolerance = 1e-4 * variance;
  let best: KmeansFit | undefined;
  for (let run = 0; run < options.nInit; run++) {
    const centers = kmeansPlusPlus(data, options.k, random);
    const fit = lloyd(data, centers, options.k, options.maxIter, tolerance);
    if (!best || fit.state.inertia < best.state.inertia) best = fit;
    await options.onRun?.(run + 1);
  }
  return best as KmeansFit;
}

/**
 * The rows as lists of their non-zero entries, with their squared norms: a
 * distance is ‖x‖² − 2x·c + ‖c‖², and x·c only needs x's non-zeros — one-hot
 * encodings are mostly zeros.
 */
interface SparseRows {
  rows: number;
  width: number;
  /** Row i's entries are start[i] .. start[i + 1] − 1. */
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
  norm: Float64Array;
}

function sparseRows(x: Float32Array, width: number): SparseRows {
  const rows = x.length / Math.max(width, 1);
  let nonzero = 0;
  for (let p = 0; p < x.length; p++) if (x[p] !== 0) nonzero++;
  const start = new Int32Array(rows + 1);
  const index = new Int32Array(nonzero);
  const value = new Float64Array(nonzero);
  const norm = new Float64Array(rows);
  let at = 0;
  for (let i = 0; i < rows; i++) {
    start[i] = at;
    for (let j = 0; j < width; j++) {
      const v = x[i * width + j];
      if (v === 0) continue;
      index[at] = j;
      value[at++] = v;
      norm[i] += v * v;
    }
  }
  start[rows] = at;
  return { rows, width, start, index, value, norm };
}

function distanceTo(data: SparseRows, i: number, centers: Float64Array, c: number, centerNorm: number): number {
  let dot = 0;
  const offset = c * data.width;
  for (let p = data.start[i]; p < data.start[i + 1]; p++) dot += data.value[p] * centers[offset + data.index[p]];
  return Math.max(data.norm[i] - 2 * dot + centerNorm, 0);
}

function setCenterToRow(data: SparseRows, centers: Float64Array, c: number, row: number): number {
  centers.fill(0, c * data.width, (c + 1) * data.width);
  for (let p = data.start[row]; p < data.start[row + 1]; p++) centers[c * data.width + data.index[p]] = data.value[p];
  return data.norm[row];
}

function kmeansPlusPlus(data: SparseRows, k: number, random: () => number): Float64Array {
  const { rows } = data;
  const centers = new Float64Array(k * data.width);
  const first = setCenterToRow(data, centers, 0, Math.floor(random() * rows));
  const closest = new Float64Array(rows);
  let potential = 0;
  for (let i = 0; i < rows; i++) {
    closest[i] = distanceTo(data, i, centers, 0, first);
    potential += closest[i];
  }
  const trials = 2 + Math.floor(Math.log(k));
  const candidateDistances = new Float64Array(rows);
  const bestDistances = new Float64Array(rows);
  for (let c = 1; c < k; c++) {
    let bestRow = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      // A row drawn with probability proportional to its squared distance to the nearest centre.
      let target = random() * potential;
      let row = 0;
      while (row < rows - 1 && target >= closest[row]) target -= closest[row++];
      const norm = setCenterToRow(data, centers, c, row);
      let candidatePotential = 0;
      for (let i = 0; i < rows; i++) {
        candidateDistances[i] = Math.min(closest[i], distanceTo(data, i, centers, c, norm));
        candidatePotential += candidateDistances[i];
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestRow = row;
        bestDistances.set(candidateDistances);
      }
    }
    setCenterToRow(data, centers, c, bestRow);
    closest.set(bestDistances);
    potential = bestPotential;
  }
  return centers;
}

function lloyd(data: SparseRows, centers: Float64Array, k: number, maxIter: number, tolerance: number): KmeansFit {
  const { rows, width } = data;
  const labels = new Int32Array(rows).fill(-1);
  const distances = new Float64Array(rows);
  const sums = new Float64Array(k * width);
  const counts = new Float64Array(k);
  const centerNorms = new Float64Array(k);
  let iterations = 0;
  const assign = (): boolean => {
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let j = 0; j < width; j++) norm += centers[c * width + j] ** 2;
      centerNorms[c] = norm;
    }
    let changed = false;
    for (let i = 0; i < rows; i++) {
      let nearest = 0;
      let nearestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const d = distanceTo(data, i, centers, c, centerNorms[c]);
        if (d < nearestDistance) {
          nearestDistance = d;
          nearest = c;
        }
      }
      if (labels[i] !== nearest) changed = true;
      labels[i] = nearest;
      distances[i] = nearestDistance;
    }
    return changed;
  };
  assign();
  for (let iteration = 0; iteration < maxIter; iteration++) {
    iterations = iteration + 1;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < rows; i++) {
      counts[labels[i]]++;
      for (let p = data.start[i]; p < data.start[i + 1]; p++) sums[labels[i] * width + data.index[p]] += data.value[p];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        let far = 0;
        for (let i = 1; i < rows; i++) if (distances[i] > distances[far]) far = i;
        distances[far] = 0;
        const before = centers.slice(c * width, (c + 1) * width);
        setCenterToRow(data, centers, c, far);
        for (let j = 0; j < width; j++) shift += (before[j] - centers[c * width + j]) ** 2;
        continue;
      }
      for (let j = 0; j < width; j++) {
        const moved = sums[c * width + j] / counts[c];
        shift += (centers[c * width + j] - moved) ** 2;
        centers[c * width + j] = moved;
      }
    }
    const changed = assign();
    if (!changed || shift <= tolerance) break;
  }
  let inertia = 0;
  for (let i = 0; i < rows; i++) inertia += distances[i];
  return { state: { k, centers: Array.from(centers), inertia }, labels, iterations };
}

/** The nearest centre of each row, as a cluster index. */
export function predictKmeans(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<KmeansState>(
    model,
    'kmeans',
    (s) => typeof s.k === 'number' && s.k >= 1 && Array.isArray(s.centers) && s.centers.length === s.k * width,
  );
  const x = encodeFeatures(model.encoding, batch, rows);
  const count = x.length / Math.max(width, 1);
  const centers = Float64Array.from(state.centers);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let nearest = 0;
    let nearestDistance = Infinity;
    for (let c = 0; c < state.k; c++) {
      let d = 0;
      for (let j = 0; j < width; j++) d += (x[i * width + j] - centers[c * width + j]) ** 2;
      if (d < nearestDistance) {
        nearestDistance = d;
        nearest = c;
      }
    }
    out[i] = nearest;
  }
  return out;
}

/**
 * Adjusted Rand index of two groupings of the same rows (any values; equal
 * values are one group): 1 for the same grouping up to names, about 0 for
 * chance agreement, as scikit-learn's adjusted_rand_score.
 */
export function adjustedRandIndex(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const n = a.length;
  const pairs = (m: number): number => (m * (m - 1)) / 2;
  const joint = new Map<string, number>();
  const rowsOf = new Map<unknown, number>();
  const columnsOf = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const key = `${String(a[i])}\u0000${String(b[i])}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    rowsOf.set(a[i], (rowsOf.get(a[i]) ?? 0) + 1);
    columnsOf.set(b[i], (columnsOf.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const m of joint.values()) index += pairs(m);
  let rowPairs = 0;
  for (const m of rowsOf.values()) rowPairs += pairs(m);
  let columnPairs = 0;
  for (const m of columnsOf.values()) columnPairs += pairs(m);
  const expected = n > 1 ? (rowPairs * columnPairs) / pairs(n) : 0;
  const maximum = (rowPairs + columnPairs) / 2;
  // Both groupings all in one group, or every row apart: they agree exactly.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}
