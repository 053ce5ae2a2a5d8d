import type { TreeArrays } from '../tree/tree-model.js';
import { encodedSplit, type BinnedRows } from './binned-features.js';

export interface GradientTreeOptions {
  /** Most leaves a tree may have (scikit-learn's max_leaf_nodes, 31). */
  maxLeaves: number;
  /** Deepest level a split may make; Infinity: no limit. */
  maxDepth: number;
  /** Fewest rows a leaf may hold (20). */
  minSamplesLeaf: number;
  /** L2 penalty on leaf values (0). */
  l2: number;
  /** Each leaf's value is scaled by this (the learning rate). */
  shrinkage: number;
}

/** A tree fitted to gradients, in both forms it is read in. */
export interface GradientTree {
  /** In the encoded space, as it is kept and served (outputs 1). */
  tree: TreeArrays;
  /** In bin space, to score binned rows while training (validation rows). */
  binFeature: Int32Array;
  binSplit: Int32Array;
  /** Leaf value added to each training row it holds, by training row (indices of `rows`). */
  leafValue: Float64Array;
  /** Gain of each split, by binned feature (for feature importance). */
  gains: Float64Array;
}

/** Hessians below this do not split (scikit-learn's min_hessian_to_split). */
const MIN_HESSIAN = 1e-3;

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

interface GrowingNode {
  /** Index in the output arrays. */
  id: number;
  start: number;
  end: number;
  depth: number;
  gradient: number;
  hessian: number;
  /** Gradient, hessian and row count per bin (totalBins × 3), or null once split. */
  histogram: Float64Array | null;
  split: Split | null;
}

/**
 * Grows one regression tree on gradients and hessians leaf-wise (best-first),
 * as LightGBM and scikit-learn's HistGradientBoosting do: every node's
 * histogram of (gradient, hessian, rows) per bin gives its best split by
 * the gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); the leaf with the
 * largest gain splits next until `maxLeaves`. The smaller child's
 * histogram is built from its rows, the larger's is the parent's less it.
 * Leaves hold −shrinkage · G/(H+λ).
 *
 * `rows` are the training rows (indices into binned); gradient and hessian
 * are by training row position; `constantHessian`: every hessian is 1.
 */
export function growGradientTree(
  binned: BinnedRows,
  rows: Int32Array,
  gradient: Float64Array,
  hessian: Float64Array,
  constantHessian: boolean,
  options: GradientTreeOptions,
): GradientTree {
  const { features, bins, count: binnedCount, totalBins } = binned;
  const n = rows.length;
  // order[p]: a training row position; each node owns a range of it.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const scratch = new Int32Array(n);
  const leafValue = new Float64Array(n);
  const gains = new Float64Array(features.length);
  const out = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[] };
  const values: number[] = [];
  const binFeature: number[] = [];
  const binSplit: number[] = [];
  const addNode = (): number => {
    out.feature.push(-1);
    out.threshold.push(0);
    out.left.push(-1);
    out.right.push(-1);
    values.push(0);
    binFeature.push(-1);
    binSplit.push(0);
    return out.feature.length - 1;
  };

  const buildHistogram = (start: number, end: number): Float64Array => {
    const histogram = new Float64Array(totalBins * 3);
    for (let f = 0; f < features.length; f++) {
      const base = f * binnedCount;
      const offset = features[f].offset;
      for (let p = start; p < end; p++) {
        const i = order[p];
        const at = (offset + bins[base + rows[i]]) * 3;
        histogram[at] += gradient[i];
        histogram[at + 1] += constantHessian ? 1 : hessian[i];
        histogram[at + 2] += 1;
      }
    }
    return histogram;
  };

  const findSplit = (node: GrowingNode): Split | null => {
    const histogram = node.histogram as Float64Array;
    const rowsHere = node.end - node.start;
    const { minSamplesLeaf, l2 } = options;
    if (node.depth >= options.maxDepth || rowsHere < 2 * minSamplesLeaf || node.hessian < MIN_HESSIAN) return null;
    const G = node.gradient;
    const H = node.hessian;
    const parentScore = (G * G) / (H + l2);
    let best: Split | null = null;
    const consider = (feature: number, bin: number, gL: number, hL: number, nL: number): void => {
      const nR = rowsHere - nL;
      if (nL < minSamplesLeaf || nR < minSamplesLeaf) return;
      const hR = H - hL;
      if (hL < MIN_HESSIAN || hR < MIN_HESSIAN) return;
      const gR = G - gL;
      const gain = (gL * gL) / (hL + l2) + (gR * gR) / (hR + l2) - parentScore;
      if (gain > 0 && (!best || gain > best.gain)) best = { gain, feature, bin };
    };
    for (let f = 0; f < features.length; f++) {
      const { kind, bins: binCount, offset } = features[f];
      if (kind === 'numeric') {
        let gL = 0;
        let hL = 0;
        let nL = 0;
        for (let b = 0; b < binCount - 1; b++) {
          const at = (offset + b) * 3;
          gL += histogram[at];
          hL += histogram[at + 1];
          nL += histogram[at + 2];
          if (histogram[at + 2] > 0) consider(f, b, gL, hL, nL);
        }
      } else {
        // Column j of the one-hot block: category j right, the rest left.
        for (let b = 0; b < binCount - 1; b++) {
          const at = (offset + b) * 3;
          if (histogram[at + 2] === 0) continue;
          consider(f, b, G - histogram[at], H - histogram[at + 1], rowsHere - histogram[at + 2]);
        }
      }
    }
    return best;
  };

  const leaf = (node: GrowingNode): void => {
    const value = (-options.shrinkage * node.gradient) / (node.hessian + options.l2);
    values[node.id] = value;
    for (let p = node.start; p < node.end; p++) leafValue[order[p]] = value;
    node.histogram = null;
  };

  let G = 0;
  let H = 0;
  for (let i = 0; i < n; i++) {
    G += gradient[i];
    H += constantHessian ? 1 : hessian[i];
  }
  const root: GrowingNode = {
    id: addNode(),
    start: 0,
    end: n,
    depth: 0,
    gradient: G,
    hessian: H,
    histogram: buildHistogram(0, n),
    split: null,
  };
  root.split = findSplit(root);
  const open: GrowingNode[] = [root];
  let leaves = 1;
  while (leaves < options.maxLeaves) {
    let pick = -1;
    for (let k = 0; k < open.length; k++) {
      const split = open[k].split;
      if (split && (pick < 0 || split.gain > (open[pick].split as Split).gain)) pick = k;
    }
    if (pick < 0) break;
    const node = open[pick];
    open.splice(pick, 1);
    const split = node.split as Split;
    const feature = features[split.feature];
    const base = split.feature * binnedCount;
    const numeric = feature.kind === 'numeric';
    // Partition the node's range: left rows first, in order.
    let l = node.start;
    let r = 0;
    let gL = 0;
    let hL = 0;
    for (let p = node.start; p < node.end; p++) {
      const i = order[p];
      const bin = bins[base + rows[i]];
      if (numeric ? bin <= split.bin : bin !== split.bin) {
        order[l++] = i;
        gL += gradient[i];
        hL += constantHessian ? 1 : hessian[i];
      } else scratch[r++] = i;
    }
    order.set(scratch.subarray(0, r), l);
    const middle = l;
    const { column, threshold } = encodedSplit(feature, split.bin);
    const leftId = addNode();
    const rightId = addNode();
    out.feature[node.id] = column;
    out.threshold[node.id] = threshold;
    out.left[node.id] = leftId;
    out.right[node.id] = rightId;
    binFeature[node.id] = split.feature;
    binSplit[node.id] = numeric ? split.bin : -1 - split.bin;
    gains[split.feature] += split.gain;
    const left: GrowingNode = {
      id: leftId,
      start: node.start,
      end: middle,
      depth: node.depth + 1,
      gradient: gL,
      hessian: hL,
      histogram: null,
      split: null,
    };
    const right: GrowingNode = {
      id: rightId,
      start: middle,
      end: node.end,
      depth: node.depth + 1,
      gradient: node.gradient - gL,
      hessian: node.hessian - hL,
      histogram: null,
      split: null,
    };
    const [small, large] = middle - node.start <= node.end - middle ? [left, right] : [right, left];
    small.histogram = buildHistogram(small.start, small.end);
    const parent = node.histogram as Float64Array;
    for (let k = 0; k < parent.length; k++) parent[k] -= small.histogram[k];
    large.histogram = parent;
    node.histogram = null;
    leaves++;
    for (const child of [left, right]) {
      child.split = findSplit(child);
      open.push(child);
    }
  }
  for (const node of open) leaf(node);
  return {
    tree: { ...out, value: values },
    binFeature: Int32Array.from(binFeature),
    binSplit: Int32Array.from(binSplit),
    leafValue,
    gains,
  };
}

/**
 * The value a tree gives a binned row (row `row` of `binned`): binSplit ≥ 0
 * is a numeric split at that bin; −1 − j sends one-hot category j right.
 */
export function gradientTreeValue(tree: GradientTree, binned: BinnedRows, row: number): number {
  let node = 0;
  const { binFeature, binSplit } = tree;
  const t = tree.tree;
  while (t.feature[node] !== -1) {
    const bin = binned.bins[binFeature[node] * binned.count + row];
    const split = binSplit[node];
    const left = split >= 0 ? bin <= split : bin !== -1 - split;
    node = left ? t.left[node] : t.right[node];
  }
  return t.value[node];
}
