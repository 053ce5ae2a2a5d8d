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

/** Only leaves are read when predicting: inner nodes keep a single 0 per output to save bytes. */
export function compactLeaves(tree: TreeArrays, outputs: number): TreeArrays {
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
