import { compactLeaves, type TreeArrays } from '../tree/tree-model.js';
import { encodedSplit, type BinnedRows } from './binned-features.js';

export interface HistogramCartOptions {
  /** Deepest level a split may make; Infinity: until leaves are pure. */
  maxDepth: number;
  minSamplesLeaf: number;
  /** Encoded columns tried at each split (≤ width). */
  maxFeatures: number;
  random: () => number;
  /** How many times each row is in the sample (a bootstrap); absent: once each. */
  weights?: Float64Array;
}

/** The rows a CART tree learns from, binned. */
export interface HistogramCartData {
  binned: BinnedRows;
  /** Encoded width: the columns the tree's splits name. */
  width: number;
  /** Class index (classification) or number (regression), by row. */
  targets: Int32Array | Float64Array;
  /** Number of classes; 0 for regression. */
  classCount: number;
}

/**
 * Grows a CART tree (Gini for classes, squared error for numbers) on binned
 * features, depth-first until a node is pure, too small or at maxDepth,
 * drawing `maxFeatures` encoded columns at random at each node as
 * scikit-learn's forests do (constant columns do not count). A drawn
 * column's split search reads a histogram of the node's rows per bin: a
 * numeric feature's bins left to right, a one-hot column's own category
 * against the rest. Thresholds are bin edges; with at most 255 distinct
 * values (and for every one-hot column) that is the exact CART split.
 */
export function growHistogramCart(data: HistogramCartData, options: HistogramCartOptions): TreeArrays {
  const { binned, width, targets, classCount } = data;
  const { features, bins, count: all } = binned;
  const classification = classCount > 0;
  const outputs = classification ? classCount : 1;
  const intTargets = targets as Int32Array;
  // Per-bin statistics: class weights (classification) or weight and weighted sum (regression), and rows.
  const stride = classification ? classCount : 2;
  const weight = options.weights ?? new Float64Array(all).fill(1);
  const featureOf = new Int32Array(width);
  for (let f = 0; f < features.length; f++) {
    const span = features[f].kind === 'numeric' ? 1 : features[f].bins - 1;
    for (let c = 0; c < span; c++) featureOf[features[f].column + c] = f;
  }

  // The sampled rows, each node owning a range; members in no particular order.
  let n = 0;
  for (let i = 0; i < all; i++) if (weight[i] > 0) n++;
  const members = new Int32Array(n);
  for (let i = 0, at = 0; i < all; i++) if (weight[i] > 0) members[at++] = i;
  const scratch = new Int32Array(n);

  const tree: TreeArrays = { feature: [], threshold: [], left: [], right: [], value: [] };
  const addNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    for (let c = 0; c < outputs; c++) tree.value.push(0);
    return tree.feature.length - 1;
  };

  const right = new Float64Array(stride);
  const total = new Float64Array(stride);
  const left = new Float64Array(stride);
  /**
   * Each binned feature's histogram over the current node's rows (built at
   * most once a node: `builtAt` holds the node's serial). Only the bins the
   * node's rows fall in are touched, listed, read and cleared again, so a
   * small node costs its rows, not the feature's bins.
   */
  interface Block {
    stats: Float64Array;
    rows: Float64Array;
    touched: Int32Array;
    touchedCount: number;
    builtAt: number;
  }
  const blocks: (Block | undefined)[] = new Array(features.length);

  /** Score of a side with these statistics: Σ class² / w, or sum² / w. */
  const score = (stats: Float64Array, at: number, w: number): number => {
    if (classification) {
      let squares = 0;
      for (let c = 0; c < classCount; c++) squares += stats[at + c] * stats[at + c];
      return squares / w;
    }
    return (stats[at + 1] * stats[at + 1]) / w;
  };
  const weightOf = (stats: Float64Array, at: number): number => {
    if (!classification) return stats[at];
    let w = 0;
    for (let c = 0; c < classCount; c++) w += stats[at + c];
    return w;
  };

  interface Pending {
    node: number;
    start: number;
    end: number;
    depth: number;
    /** Encoded columns that may still vary here; a column constant in a node is constant below it. */
    columns: Int32Array;
  }
  const stack: Pending[] = [
    { node: addNode(), start: 0, end: n, depth: 0, columns: Int32Array.from({ length: width }, (_, c) => c) },
  ];
  let serial = 0;
  while (stack.length > 0) {
    const { node, start, end, depth, columns } = stack.pop() as Pending;
    serial++;
    const count = end - start;
    total.fill(0);
    for (let p = start; p < end; p++) {
      const row = members[p];
      const w = weight[row];
      if (classification) total[intTargets[row]] += w;
      else {
        total[0] += w;
        total[1] += w * targets[row];
      }
    }
    const totalWeight = weightOf(total, 0);
    let pure = false;
    if (classification) {
      let nonzero = 0;
      for (let c = 0; c < classCount; c++) {
        tree.value[node * outputs + c] = total[c] / totalWeight;
        if (total[c] > 0) nonzero++;
      }
      pure = nonzero <= 1;
    } else {
      const mean = total[1] / totalWeight;
      tree.value[node] = mean;
      let spread = 0;
      for (let p = start; p < end && spread <= 1e-12; p++) spread = Math.abs(targets[members[p]] - mean);
      pure = spread <= 1e-12;
    }
    if (pure || depth >= options.maxDepth || count < 2 * options.minSamplesLeaf || count < 2) continue;

    /** The histogram of a binned feature over this node's rows, built once per node. */
    const histogramOf = (f: number): Block => {
      const size = features[f].bins;
      let block = blocks[f];
      if (!block) {
        block = {
          stats: new Float64Array(size * stride),
          rows: new Float64Array(size),
          touched: new Int32Array(size),
          touchedCount: 0,
          builtAt: -1,
        };
        blocks[f] = block;
      }
      if (block.builtAt === serial) return block;
      const { stats, rows, touched } = block;
      for (let k = 0; k < block.touchedCount; k++) {
        const b = touched[k];
        rows[b] = 0;
        for (let s = 0; s < stride; s++) stats[b * stride + s] = 0;
      }
      let touchedCount = 0;
      const base = f * all;
      for (let p = start; p < end; p++) {
        const row = members[p];
        const b = bins[base + row];
        const w = weight[row];
        if (rows[b] === 0) touched[touchedCount++] = b;
        rows[b]++;
        if (classification) stats[b * stride + intTargets[row]] += w;
        else {
          stats[b * 2] += w;
          stats[b * 2 + 1] += w * targets[row];
        }
      }
      block.touchedCount = touchedCount;
      block.builtAt = serial;
      return block;
    };

    const parentScore = score(total, 0, totalWeight);
    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestBin = -1;
    /** The next occupied bin after a numeric split's bin: the node's first value right of it. */
    let bestNext = -1;
    let visited = 0;
    let varying = columns.length;
    for (let drawn = 0; drawn < varying && visited < options.maxFeatures;) {
      const pick = drawn + Math.floor(options.random() * (varying - drawn));
      const column = columns[pick];
      const f = featureOf[column];
      const feature = features[f];
      const block = histogramOf(f);
      const { stats, rows } = block;
      let constant: boolean;
      if (feature.kind === 'onehot') {
        const inBin = rows[column - feature.column];
        constant = inBin === 0 || inBin === count;
      } else constant = block.touchedCount < 2;
      if (constant) {
        varying--;
        columns[pick] = columns[varying];
        columns[varying] = column;
        continue;
      }
      columns[pick] = columns[drawn];
      columns[drawn] = column;
      drawn++;
      visited++;
      if (feature.kind === 'onehot') {
        // The column's category goes right, every other row left.
        const b = column - feature.column;
        const rightRows = rows[b];
        if (rightRows < options.minSamplesLeaf || count - rightRows < options.minSamplesLeaf) continue;
        for (let s = 0; s < stride; s++) left[s] = total[s] - stats[b * stride + s];
        const rightWeight = weightOf(stats, b * stride);
        const leftWeight = totalWeight - rightWeight;
        const candidate = score(left, 0, leftWeight) + score(stats, b * stride, rightWeight);
        if (candidate > bestScore) {
          bestScore = candidate;
          bestFeature = f;
          bestBin = b;
        }
        continue;
      }
      // The occupied bins in order: sorted when few (a small node), else every bin read in order.
      const occupied =
        block.touchedCount * 8 < feature.bins
          ? block.touched.subarray(0, block.touchedCount).sort()
          : occupiedBins(rows, block.touched);
      left.fill(0);
      let leftRows = 0;
      for (let k = 0; k < occupied.length - 1; k++) {
        const b = occupied[k];
        leftRows += rows[b];
        for (let s = 0; s < stride; s++) left[s] += stats[b * stride + s];
        if (leftRows < options.minSamplesLeaf) continue;
        if (count - leftRows < options.minSamplesLeaf) break;
        if (leftRows === count) break;
        const leftWeight = weightOf(left, 0);
        for (let s = 0; s < stride; s++) right[s] = total[s] - left[s];
        const candidate = score(left, 0, leftWeight) + score(right, 0, totalWeight - leftWeight);
        if (candidate > bestScore) {
          bestScore = candidate;
          bestFeature = f;
          bestBin = b;
          bestNext = occupied[k + 1];
        }
      }
    }
    if (bestFeature < 0) continue;
    // A split must lower the impurity by more than rounding.
    if (bestScore <= parentScore + 1e-12 * Math.abs(parentScore)) continue;

    const feature = features[bestFeature];
    const base = bestFeature * all;
    const numeric = feature.kind === 'numeric';
    let l = start;
    let r = 0;
    for (let p = start; p < end; p++) {
      const row = members[p];
      const b = bins[base + row];
      if (numeric ? b <= bestBin : b !== bestBin) members[l++] = row;
      else scratch[r++] = row;
    }
    members.set(scratch.subarray(0, r), l);
    const middle = l;
    if (middle === start || middle === end) continue;
    const split = encodedSplit(feature, bestBin);
    let threshold = split.threshold;
    if (feature.values) {
      // Halfway between the node's values either side, as an exact CART split.
      const here = feature.values[bestBin];
      const next = feature.values[bestNext];
      threshold = here / 2 + next / 2;
      if (threshold === next || !Number.isFinite(threshold)) threshold = here;
    }
    const leftNode = addNode();
    const rightNode = addNode();
    tree.feature[node] = split.column;
    tree.threshold[node] = threshold;
    tree.left[node] = leftNode;
    tree.right[node] = rightNode;
    // The left child (grown next, with all its subtree) reuses this node's list; the right one gets a copy.
    stack.push({ node: rightNode, start: middle, end, depth: depth + 1, columns: columns.slice(0, varying) });
    stack.push({ node: leftNode, start, end: middle, depth: depth + 1, columns: columns.subarray(0, varying) });
  }
  return compactLeaves(tree, outputs);
}

/** The bins holding rows, in order, written into `into` (a view of it is returned). */
function occupiedBins(rows: Float64Array, into: Int32Array): Int32Array {
  let count = 0;
  for (let b = 0; b < rows.length; b++) if (rows[b] > 0) into[count++] = b;
  return into.subarray(0, count);
}
