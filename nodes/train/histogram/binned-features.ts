import type { FeatureEncoding } from '../../core/values.js';

/**
 * Features as small integers (bins), as LightGBM and scikit-learn's
 * HistGradientBoosting see them: a split search then reads a histogram of
 * a node's rows per bin instead of sorting values.
 *
 * One entry per feature of the encoding (the compact form, encodeCompact):
 * - a number gets up to `maxBins` bins between `edges`: a value v falls in
 *   the bin b with edges[b − 1] < v ≤ edges[b]; with at most maxBins
 *   distinct values the edges are the midpoints between them (exact
 *   splits), otherwise quantiles of the values, as scikit-learn bins;
 * - a text feature (one-hot block) gets one bin per category plus a last
 *   one for unknown or missing. A split on its one-hot column j sends
 *   category j right and every other row left: one histogram of the block
 *   answers every column of it.
 * Splits are kept in the encoded space (column, threshold), so the trees
 * score encoded rows like any CART tree (tree-model.ts).
 */
export interface BinnedFeature {
  kind: 'numeric' | 'onehot';
  /** The feature's first column in the encoded row. */
  column: number;
  /** Bins it has: numeric edges.length + 1; one-hot categories + 1. */
  bins: number;
  /** Numeric only: upper edges of every bin but the last. */
  edges: Float64Array;
  /**
   * Numeric with at most maxBins distinct values: the value of each bin.
   * A CART split then takes the midpoint between the node's own
   * neighbouring values, as scikit-learn's exact splitter does.
   */
  values?: Float64Array;
  /** Where its bins start in a node histogram. */
  offset: number;
}

export interface BinnedRows {
  /** Rows binned. */
  count: number;
  features: BinnedFeature[];
  /** Bin of row i for feature f at f * count + i (feature-major: a histogram pass reads one block). */
  bins: Uint16Array;
  /** Bins of every feature together: the length of a node histogram. */
  totalBins: number;
}

/** How many distinct values a numeric feature may have before its bins become quantiles (scikit-learn's default 255). */
export const DEFAULT_MAX_BINS = 255;

/**
 * Fits each feature's bins on the rows `fitRows` (indices into `compact`,
 * rows × features as encodeCompact lays them out; all rows when absent).
 */
export function fitBins(
  encoding: FeatureEncoding,
  compact: Float32Array,
  fitRows: ArrayLike<number> | undefined,
  maxBins = DEFAULT_MAX_BINS,
): BinnedFeature[] {
  const width = encoding.features.length;
  const count = fitRows ? fitRows.length : compact.length / Math.max(width, 1);
  let column = 0;
  let offset = 0;
  return encoding.features.map((feature, f) => {
    let binned: BinnedFeature;
    if (feature.kind === 'onehot') {
      binned = { kind: 'onehot', column, bins: feature.categories.length + 1, edges: new Float64Array(0), offset };
      column += feature.categories.length;
    } else {
      const values = new Float64Array(count);
      for (let i = 0; i < count; i++) values[i] = compact[(fitRows ? fitRows[i] : i) * width + f];
      const sorted = values.sort();
      const edges = numericEdges(sorted, maxBins);
      binned = { kind: 'numeric', column, bins: edges.length + 1, edges, offset };
      const distinct = distinctValues(sorted, maxBins);
      if (distinct) binned.values = distinct;
      column += 1;
    }
    offset += binned.bins;
    return binned;
  });
}

/**
 * Bin edges of sorted values: midpoints between distinct values when there
 * are at most maxBins of them, otherwise the maxBins − 1 inner quantiles
 * (midpoint interpolation, as numpy.percentile's "midpoint" method),
 * repeated edges dropped.
 */
export function numericEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  if (distinct.length <= maxBins) {
    const edges = new Float64Array(Math.max(distinct.length - 1, 0));
    for (let i = 0; i < edges.length; i++) edges[i] = (distinct[i] + distinct[i + 1]) / 2;
    return edges;
  }
  const edges: number[] = [];
  const last = sorted.length - 1;
  for (let q = 1; q < maxBins; q++) {
    const at = (q / maxBins) * last;
    const edge = (sorted[Math.floor(at)] + sorted[Math.ceil(at)]) / 2;
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/** The distinct values of sorted values, or undefined when there are more than maxBins. */
function distinctValues(sorted: Float64Array, maxBins: number): Float64Array | undefined {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    if (distinct.length === maxBins) return undefined;
    distinct.push(sorted[i]);
  }
  return Float64Array.from(distinct);
}

/** The bins of rows of `compact` (all rows when `rows` is absent) for features fitted by fitBins. */
export function applyBins(features: BinnedFeature[], compact: Float32Array, rows?: ArrayLike<number>): BinnedRows {
  const width = features.length;
  const count = rows ? rows.length : compact.length / Math.max(width, 1);
  const bins = new Uint16Array(width * count);
  features.forEach((feature, f) => {
    const base = f * count;
    if (feature.kind === 'onehot') {
      const unknown = feature.bins - 1;
      for (let i = 0; i < count; i++) {
        const v = compact[(rows ? rows[i] : i) * width + f];
        bins[base + i] = v >= 0 ? v : unknown;
      }
      return;
    }
    const edges = feature.edges;
    for (let i = 0; i < count; i++) {
      const v = compact[(rows ? rows[i] : i) * width + f];
      // Binary search for the first edge ≥ v.
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v <= edges[mid]) hi = mid;
        else lo = mid + 1;
      }
      bins[base + i] = lo;
    }
  });
  const last = features[features.length - 1];
  return { count, features, bins, totalBins: last ? last.offset + last.bins : 0 };
}

/**
 * A split on binned features as the encoded row reads it. Numeric feature:
 * bins ≤ bin go left, threshold edges[bin]. One-hot: category `bin` goes
 * right, the rest left; the encoded column is column + bin, threshold 0.5.
 */
export function encodedSplit(feature: BinnedFeature, bin: number): { column: number; threshold: number } {
  return feature.kind === 'numeric'
    ? { column: feature.column, threshold: feature.edges[bin] }
    : { column: feature.column + bin, threshold: 0.5 };
}

/** Whether a row in `rowBin` goes left of a split at `bin` of the feature. */
export function goesLeft(feature: BinnedFeature, bin: number, rowBin: number): boolean {
  return feature.kind === 'numeric' ? rowBin <= bin : rowBin !== bin;
}
