import type { ColumnBatch } from '../../core/define-node.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';

/**
 * A fitted CART tree as plain arrays, one entry per node (the root is 0).
 * A leaf has feature −1; a split sends x[feature] ≤ threshold left.
 * `value` holds `outputs` numbers per node: class probabilities
 * (classification) or the mean target (regression).
 */
export interface TreeArrays {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface TreeState {
  tree: TreeArrays;
  /** Classes (classification) or 1 (regression). */
  outputs: number;
}

/** The rows a tree learns from, encoded (rows × width, in the features' own units). */
export interface TreeData {
  x: Float32Array;
  width: number;
  /** Class index (classification) or number (regression), by row of x. */
  targets: Int32Array | Float64Array;
  /** Number of classes; 0 for regression. */
  classCount: number;
}

export interface TreeOptions {
  /** Deepest level a split may make (the root is depth 0); Infinity: grow until leaves are pure. */
  maxDepth: number;
  minSamplesLeaf: number;
  /** Features drawn at random at each split (≤ width); width: all, as a single tree does. */
  maxFeatures: number;
  random: () => number;
  /** How many times each row is in the sample (a bootstrap); absent: once each. */
  weights?: Float64Array;
  /** sortRowsByFeature of the data, when several trees share it. */
  presorted?: Int32Array;
  /** columnMajor of the data, likewise. */
  columns?: Float32Array;
  /** binaryColumns of the data, likewise. */
  binary?: BinaryColumns;
}

export interface BinaryColumns {
  /** 1 for a feature whose values are all 0 or 1. */
  binary: Uint8Array;
  /** How many rows hold 1 in each such feature. */
  ones: Int32Array;
}

export function binaryColumns(columns: Float32Array, width: number, rows: number): BinaryColumns {
  const binary = new Uint8Array(width);
  const ones = new Int32Array(width);
  for (let f = 0; f < width; f++) {
    let isBinary = 1;
    for (let i = f * rows; i < (f + 1) * rows && isBinary; i++) {
      if (columns[i] === 1) ones[f]++;
      else if (columns[i] !== 0) isBinary = 0;
    }
    binary[f] = isBinary;
  }
  return { binary, ones };
}

/** The encoded rows column by column (width blocks of rows): a split scan reads one feature of many rows. */
export function columnMajor(x: Float32Array, width: number, rows: number): Float32Array {
  const columns = new Float32Array(width * rows);
  for (let i = 0; i < rows; i++) for (let f = 0; f < width; f++) columns[f * rows + i] = x[i * width + f];
  return columns;
}

/** Every row's index, sorted by each feature in turn (width blocks of rows). */
export function sortRowsByFeature(x: Float32Array, width: number, rows: number): Int32Array {
  const sorted = new Int32Array(width * rows);
  const column = new Float32Array(rows);
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let f = 0; f < width; f++) {
    let binary = true;
    for (let i = 0; i < rows; i++) {
      const v = x[i * width + f];
      column[i] = v;
      if (v !== 0 && v !== 1) binary = false;
    }
    if (binary) {
      // One-hot columns (most of a wide encoding): zeros, then ones, in two passes.
      let at = f * rows;
      for (let i = 0; i < rows; i++) if (column[i] === 0) sorted[at++] = i;
      for (let i = 0; i < rows; i++) if (column[i] === 1) sorted[at++] = i;
      continue;
    }
    sorted.set(
      order.sort((a, b) => column[a] - column[b]),
      f * rows,
    );
  }
  return sorted;
}

/** Gains below this are rounding noise, as in scikit-learn (FEATURE_THRESHOLD). */
const MIN_GAP = 1e-7;

/**
 * Grows a CART tree the way scikit-learn does: at each node the best split
 * (Gini for classes, squared error for numbers) over a random draw of
 * features, thresholds halfway between neighbouring values, until a node
 * is pure, too small or at maxDepth. Every feature's rows are sorted once;
 * each split partitions those sorted lists stably, so no node sorts again.
 */
export function growTree(data: TreeData, options: TreeOptions): TreeState {
  const { x, width, targets, classCount } = data;
  const classification = classCount > 0;
  const outputs = classification ? classCount : 1;
  const weights = options.weights;
  const all = targets.length;
  const weight = weights ?? new Float64Array(all).fill(1);
  const columns = options.columns ?? columnMajor(x, width, all);
  const everyRow = options.presorted ?? sortRowsByFeature(x, width, all);
  // 0/1 features (one-hot columns) hold their node's rows as [zeros | ones] and only the ones are
  // kept exact: a split scans and moves the ones alone, which makes wide one-hot encodings cheap.
  const { binary, ones: allOnes } = options.binary ?? binaryColumns(columns, width, all);
  let n = all;
  if (weights) {
    n = 0;
    for (let i = 0; i < all; i++) if (weights[i] > 0) n++;
  }
  // sorted[f * n + p]: the rows in the sample, sorted by feature f within each node's range.
  let sorted = everyRow;
  const rootOnes = new Int32Array(width);
  if (n !== all || options.presorted) {
    sorted = new Int32Array(width * n);
    for (let f = 0; f < width; f++) {
      if (binary[f]) {
        // The sample's ones, at the end of the block; the zeros before them are never read.
        let at = (f + 1) * n;
        for (let p = (f + 1) * all - 1; p >= (f + 1) * all - allOnes[f]; p--) {
          if (weight[everyRow[p]] > 0) sorted[--at] = everyRow[p];
        }
        rootOnes[f] = (f + 1) * n - at;
        continue;
      }
      let at = f * n;
      for (let p = f * all; p < (f + 1) * all; p++) if (weight[everyRow[p]] > 0) sorted[at++] = everyRow[p];
    }
  } else rootOnes.set(allOnes);

  const tree: TreeArrays = { feature: [], threshold: [], left: [], right: [], value: [] };
  const goesLeft = new Uint8Array(targets.length);
  const scratch = new Int32Array(n);
  // The node's rows in no particular order (for its totals), split along with the sorted lists.
  const members = new Int32Array(n);
  for (let i = 0, at = 0; i < all; i++) if (weight[i] > 0) members[at++] = i;
  const leftCounts = new Float64Array(outputs);
  const totalCounts = new Float64Array(outputs);
  const intTargets = targets as Int32Array;

  const addNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    for (let c = 0; c < outputs; c++) tree.value.push(0);
    return tree.feature.length - 1;
  };

  const partition = (list: Int32Array, base: number, start: number, end: number): void => {
    let l = base + start;
    let r = 0;
    for (let p = base + start; p < base + end; p++) {
      const row = list[p];
      if (goesLeft[row]) list[l++] = row;
      else scratch[r++] = row;
    }
    list.set(scratch.subarray(0, r), l);
  };

  interface Pending {
    node: number;
    start: number;
    end: number;
    depth: number;
    /**
     * Features that may still vary here. A feature constant in a node is
     * constant below it: it is neither searched nor kept sorted there.
     */
    features: Int32Array;
    /** For 0/1 features: how many of the node's rows hold 1 (ones[i] goes with features[i]). */
    ones: Int32Array;
  }
  const stack: Pending[] = [
    {
      node: addNode(),
      start: 0,
      end: n,
      depth: 0,
      features: Int32Array.from({ length: width }, (_, f) => f),
      ones: rootOnes,
    },
  ];
  while (stack.length > 0) {
    const { node, start, end, depth, features, ones } = stack.pop() as Pending;
    const count = end - start;
    totalCounts.fill(0);
    let totalWeight = 0;
    let sum = 0;
    let squares = 0;
    for (let p = start; p < end; p++) {
      const row = members[p];
      const w = weight[row];
      totalWeight += w;
      if (classification) totalCounts[intTargets[row]] += w;
      else {
        sum += w * targets[row];
        squares += w * targets[row] * targets[row];
      }
    }
    let impurity: number;
    if (classification) {
      let sq = 0;
      for (let c = 0; c < outputs; c++) {
        tree.value[node * outputs + c] = totalCounts[c] / totalWeight;
        sq += totalCounts[c] * totalCounts[c];
      }
      impurity = 1 - sq / (totalWeight * totalWeight);
    } else {
      const mean = sum / totalWeight;
      tree.value[node] = mean;
      impurity = squares / totalWeight - mean * mean;
    }
    if (depth >= options.maxDepth || count < 2 * options.minSamplesLeaf || count < 2 || impurity <= 1e-12) continue;

    // The split that most lowers the weighted impurity: for Gini, the largest
    // Σ left²/wL + Σ right²/wR; for squared error, sumL²/wL + sumR²/wR.
    // Features are drawn at random; those found constant move to the end.
    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    let visited = 0;
    let varying = features.length;
    for (let drawn = 0; drawn < varying && visited < options.maxFeatures;) {
      const pick = drawn + Math.floor(options.random() * (varying - drawn));
      const f = features[pick];
      const o = ones[pick];
      const base = f * n;
      const column = f * all;
      const constant = binary[f]
        ? o === 0 || o === count
        : columns[column + sorted[base + end - 1]] - columns[column + sorted[base + start]] <= MIN_GAP;
      if (constant) {
        varying--;
        features[pick] = features[varying];
        features[varying] = f;
        ones[pick] = ones[varying];
        ones[varying] = o;
        continue;
      }
      features[pick] = features[drawn];
      features[drawn] = f;
      ones[pick] = ones[drawn];
      ones[drawn] = o;
      drawn++;
      visited++;
      if (binary[f]) {
        // One threshold (0.5): the ones go right; the zeros' totals are the node's less the ones'.
        const leftRows = count - o;
        if (leftRows < options.minSamplesLeaf || o < options.minSamplesLeaf) continue;
        leftCounts.set(totalCounts);
        let leftWeight = totalWeight;
        let leftSum = sum;
        for (let p = end - o; p < end; p++) {
          const row = sorted[base + p];
          const w = weight[row];
          leftWeight -= w;
          if (classification) leftCounts[intTargets[row]] -= w;
          else leftSum -= w * targets[row];
        }
        const rightWeight = totalWeight - leftWeight;
        let score: number;
        if (classification) {
          let leftSquares = 0;
          let rightSquares = 0;
          for (let c = 0; c < outputs; c++) {
            const r = totalCounts[c] - leftCounts[c];
            leftSquares += leftCounts[c] * leftCounts[c];
            rightSquares += r * r;
          }
          score = leftSquares / leftWeight + rightSquares / rightWeight;
        } else {
          const rightSum = sum - leftSum;
          score = (leftSum * leftSum) / leftWeight + (rightSum * rightSum) / rightWeight;
        }
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestThreshold = 0.5;
        }
        continue;
      }
      leftCounts.fill(0);
      let leftWeight = 0;
      let leftSum = 0;
      let leftSquares = 0;
      for (let p = start; p < end - 1; p++) {
        const row = sorted[base + p];
        const w = weight[row];
        leftWeight += w;
        if (classification) {
          const c = intTargets[row];
          leftSquares += 2 * leftCounts[c] * w + w * w;
          leftCounts[c] += w;
        } else leftSum += w * targets[row];
        const here = columns[column + row];
        const next = columns[column + sorted[base + p + 1]];
        if (next - here <= MIN_GAP) continue;
        const leftRows = p + 1 - start;
        if (leftRows < options.minSamplesLeaf || count - leftRows < options.minSamplesLeaf) continue;
        const rightWeight = totalWeight - leftWeight;
        let score: number;
        if (classification) {
          let rightSquares = 0;
          for (let c = 0; c < outputs; c++) {
            const r = totalCounts[c] - leftCounts[c];
            rightSquares += r * r;
          }
          score = leftSquares / leftWeight + rightSquares / rightWeight;
        } else {
          const rightSum = sum - leftSum;
          score = (leftSum * leftSum) / leftWeight + (rightSum * rightSum) / rightWeight;
        }
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          let threshold = here / 2 + next / 2;
          if (threshold === next || !Number.isFinite(threshold)) threshold = here;
          bestThreshold = threshold;
        }
      }
    }
    if (bestFeature < 0) continue;
    // A split must lower the impurity by more than rounding.
    const parentScore = classification
      ? totalCounts.reduce((a, c) => a + c * c, 0) / totalWeight
      : (sum * sum) / totalWeight;
    if (bestScore <= parentScore + 1e-12 * Math.abs(parentScore)) continue;

    let leftRows = 0;
    for (let p = start; p < end; p++) {
      const row = members[p];
      const left = columns[bestFeature * all + row] <= bestThreshold ? 1 : 0;
      goesLeft[row] = left;
      leftRows += left;
    }
    if (leftRows === 0 || leftRows === count) continue;
    partition(members, 0, start, end);
    const stillVarying = features.slice(0, varying);
    const leftOnes = new Int32Array(varying);
    const rightOnes = new Int32Array(varying);
    const middle = start + leftRows;
    for (let i = 0; i < varying; i++) {
      const f = stillVarying[i];
      const o = ones[i];
      if (!binary[f]) {
        partition(sorted, f * n, start, end);
        continue;
      }
      // Only the ones move: to the end of each child's range (what lies before them is never read).
      const base = f * n;
      let l = 0;
      let r = 0;
      for (let p = base + end - o; p < base + end; p++) {
        const row = sorted[p];
        if (goesLeft[row]) scratch[l++] = row;
        else scratch[o - 1 - r++] = row;
      }
      sorted.set(scratch.subarray(0, l), base + middle - l);
      for (let j = 0; j < r; j++) sorted[base + end - r + j] = scratch[o - 1 - j];
      leftOnes[i] = l;
      rightOnes[i] = r;
    }
    const leftNode = addNode();
    const rightNode = addNode();
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    tree.left[node] = leftNode;
    tree.right[node] = rightNode;
    stack.push({ node: rightNode, start: middle, end, depth: depth + 1, features: stillVarying, ones: rightOnes });
    stack.push({
      node: leftNode,
      start,
      end: middle,
      depth: depth + 1,
      features: stillVarying.slice(),
      ones: leftOnes,
    });
  }
  return { tree: compactLeaves(tree, outputs), outputs };
}

/** Only leaves are read when predicting: inner nodes keep a single 0 per output to save bytes. */
function compactLeaves(tree: TreeArrays, outputs: number): TreeArrays {
  const value = tree.value.map((v, i) => (tree.feature[Math.floor(i / outputs)] === -1 ? roundValue(v) : 0));
  return { ...tree, value };
}

/** Leaf values to 12 significant digits: far below any score difference, and half the JSON. */
function roundValue(v: number): number {
  return v === 0 || Number.isInteger(v) ? v : Number(v.toPrecision(12));
}

/** Adds the leaf values each row falls into to `out` (rows × outputs), scaled by `scale`. */
export function addTreeOutputs(
  tree: TreeArrays,
  outputs: number,
  x: Float32Array,
  width: number,
  out: Float64Array,
  scale = 1,
): void {
  const rows = x.length / Math.max(width, 1);
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (tree.feature[node] !== -1) {
      node = x[i * width + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    }
    for (let c = 0; c < outputs; c++) out[i * outputs + c] += scale * tree.value[node * outputs + c];
  }
}

/** True when the arrays describe a tree whose splits read features below `width`. */
export function isTree(value: unknown, outputs: number, width: number): value is TreeArrays {
  const t = value as TreeArrays | undefined;
  if (!t || !Array.isArray(t.feature) || !Array.isArray(t.value)) return false;
  const nodes = t.feature.length;
  return (
    nodes > 0 &&
    t.threshold?.length === nodes &&
    t.left?.length === nodes &&
    t.right?.length === nodes &&
    t.value.length === nodes * outputs &&
    t.feature.every((f) => f < width)
  );
}

/**
 * The outputs per row the state says it gives, when that fits the model:
 * one for regression, one per class (cross-validation folds score a view
 * without the class list, so it is checked only when present).
 */
export function stateOutputs(model: ModelView, outputs: unknown): number | undefined {
  if (typeof outputs !== 'number' || !Number.isInteger(outputs) || outputs < 1) return undefined;
  if (model.task !== 'classification') return outputs === 1 ? 1 : undefined;
  if (outputs < 2 || (model.classes && model.classes.length !== outputs)) return undefined;
  return outputs;
}

export function predictTree(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<TreeState>(model, 'tree', (s) => {
    const outputs = stateOutputs(model, s.outputs);
    return outputs !== undefined && isTree(s.tree, outputs, width);
  });
  const outputs = state.outputs;
  const x = encodeFeatures(model.encoding, batch, rows);
  const out = new Float64Array((x.length / Math.max(width, 1)) * outputs);
  addTreeOutputs(state.tree, outputs, x, width, out);
  return out;
}
