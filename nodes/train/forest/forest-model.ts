import type { ColumnBatch } from '../../core/define-node.js';
import { seededRandom } from '../cross-validation.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import {
  addTreeOutputs,
  binaryColumns,
  columnMajor,
  growTree,
  isTree,
  sortRowsByFeature,
  stateOutputs,
  type TreeArrays,
  type TreeData,
} from '../tree/tree-model.js';

export interface ForestState {
  trees: TreeArrays[];
  /** Classes (classification) or 1 (regression). */
  outputs: number;
}

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  seed: number;
  /** Called after each tree; may pause to let progress and cancel through. */
  onTree?: (done: number) => Promise<void>;
}

/**
 * Breiman's random forest as scikit-learn fits it: each tree on a bootstrap
 * sample (rows drawn with replacement, kept as weights), a fresh random
 * draw of `maxFeatures` features at every split, grown to full depth by
 * default; the forest averages the trees' leaf values (class shares or
 * means). Seeded: the same forest on every run.
 */
export async function growForest(data: TreeData, options: ForestOptions): Promise<ForestState> {
  const rows = data.targets.length;
  const outputs = data.classCount > 0 ? data.classCount : 1;
  const trees: TreeArrays[] = [];
  const presorted = sortRowsByFeature(data.x, data.width, rows);
  const columns = columnMajor(data.x, data.width, rows);
  const binary = binaryColumns(columns, data.width, rows);
  for (let t = 0; t < options.trees; t++) {
    const random = seededRandom((options.seed * 7919 + t * 104729 + 1) >>> 0);
    const weights = new Float64Array(rows);
    for (let i = 0; i < rows; i++) weights[Math.floor(random() * rows)]++;
    const { tree } = growTree(data, {
      maxDepth: options.maxDepth,
      minSamplesLeaf: options.minSamplesLeaf,
      maxFeatures: options.maxFeatures,
      random,
      weights,
      presorted,
      columns,
      binary,
    });
    trees.push(tree);
    await options.onTree?.(t + 1);
  }
  return { trees, outputs };
}

export function predictForest(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<ForestState>(model, 'forest', (s) => {
    const outputs = stateOutputs(model, s.outputs);
    return (
      outputs !== undefined &&
      Array.isArray(s.trees) &&
      s.trees.length > 0 &&
      s.trees.every((tree) => isTree(tree, outputs, width))
    );
  });
  const outputs = state.outputs;
  const x = encodeFeatures(model.encoding, batch, rows);
  const out = new Float64Array((x.length / Math.max(width, 1)) * outputs);
  const share = 1 / state.trees.length;
  for (const tree of state.trees) addTreeOutputs(tree, outputs, x, width, out, share);
  return out;
}
