import type { ColumnBatch } from '../../core/define-node.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import type { ThreadPool } from '../../core/define-node.js';
import type { FeatureEncoding } from '../../core/values.js';
import { applyBins, fitBins } from '../histogram/binned-features.js';
import { addTreeOutputs, isTree, stateOutputs, type TreeArrays } from '../tree/tree-model.js';
import { growForestTree, type ForestShared } from './forest-kernel.js';

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
  /** Worker threads to grow trees on; absent: this thread. */
  threads?: ThreadPool;
  /** Called after each tree; may pause to let progress and cancel through. */
  onTree?: (done: number) => Promise<void>;
}

/** The rows a forest learns from: the encoding's compact rows (encodeCompact), binned once for every tree. */
export interface ForestData {
  encoding: FeatureEncoding;
  compact: Float32Array;
  targets: Int32Array | Float64Array;
  classCount: number;
}

/** Below this many rows × trees a forest grows in its own thread: starting threads would cost more. */
const THREADED_FROM = 400_000;

/**
 * Breiman's random forest as scikit-learn fits it: each tree on a bootstrap
 * sample (rows drawn with replacement, kept as weights), a fresh random
 * draw of `maxFeatures` features at every split, grown to full depth by
 * default; the forest averages the trees' leaf values (class shares or
 * means). Splits are searched on binned features (histograms, as LightGBM
 * does; exact for up to 255 distinct values and for one-hot columns), and
 * trees grow on worker threads when there are some. Seeded: each tree
 * depends only on the seed and its index, so the forest is the same on
 * every run, however many threads grew it.
 */
export async function growForest(data: ForestData, options: ForestOptions): Promise<ForestState> {
  return { trees: await growForestTrees(data, options, 0, options.trees), outputs: forestOutputs(data) };
}

export function forestOutputs(data: Pick<ForestData, 'classCount'>): number {
  return data.classCount > 0 ? data.classCount : 1;
}

/**
 * Trees `from` to `to` (excluded) of the forest `options` describe: the
 * same trees growForest grows at those indices, so a forest grown in parts
 * (on several workers) and joined in index order is the same forest.
 */
export async function growForestTrees(
  data: ForestData,
  options: ForestOptions,
  from: number,
  to: number,
): Promise<TreeArrays[]> {
  const binned = applyBins(fitBins(data.encoding, data.compact, undefined), data.compact);
  const shared: ForestShared = {
    binned,
    width: data.encoding.width,
    targets: data.targets,
    classCount: data.classCount,
    maxDepth: options.maxDepth,
    minSamplesLeaf: options.minSamplesLeaf,
    maxFeatures: options.maxFeatures,
    seed: options.seed,
  };
  const indices = Array.from({ length: to - from }, (_, i) => from + i);
  if (options.threads && indices.length > 1 && data.targets.length * indices.length >= THREADED_FROM) {
    return options.threads.map<ForestShared, number, TreeArrays>(
      { module: new URL('./forest-kernel.js', import.meta.url).href, name: 'growForestTree' },
      shared,
      indices,
      options.onTree,
    );
  }
  const trees: TreeArrays[] = [];
  for (const t of indices) {
    trees.push(growForestTree(shared, t));
    await options.onTree?.(trees.length);
  }
  return trees;
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
