import { z } from 'zod';
import { seededRandom } from '../cross-validation.js';
import { encodeCompact } from '../feature-encoding.js';
import { applyBins, fitBins } from '../histogram/binned-features.js';
import { growHistogramCart } from '../histogram/histogram-cart.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { predictTree, type TreeState } from './tree-model.js';
import { treeClassifierOnnx, treeRegressorOnnx } from './tree-onnx.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(1),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

/** Levels below the root of the deepest leaf. */
export function treeDepth(left: number[], right: number[]): number {
  const depth = new Int32Array(left.length);
  let deepest = 0;
  for (let node = 0; node < left.length; node++) {
    if (left[node] < 0) continue;
    depth[left[node]] = depth[right[node]] = depth[node] + 1;
    deepest = Math.max(deepest, depth[node] + 1);
  }
  return deepest;
}

export const treeTrainer = defineTrainer({
  algorithm: 'tree',
  title: 'Decision tree',
  description: 'Train a decision-tree classifier or regressor (CART).',
  docs: {
    summary:
      'Grows one binary tree that splits the rows on one feature at a time: Gini impurity for classes, squared ' +
      'error for numbers, as scikit-learn’s CART does. Splits are searched on binned features (histograms): a number ' +
      'with up to 255 distinct values splits halfway between neighbouring values, one with more at quantile edges. ' +
      'Numbers keep ' +
      'their units (missing ones get the training mean); text features are one-hot encoded. Without `maxDepth` it ' +
      'grows until every leaf is pure, which fits the training rows exactly and often overfits: limit the depth or ' +
      'raise `minSamplesLeaf`, or use train.forest. Classifiers give the class shares of the leaf as probabilities.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      maxDepth: 'Deepest level of splits (1: a single split); 0: no limit.',
      minSamplesLeaf: 'Fewest training rows a leaf may hold.',
      seed: 'Seeds the order features are tried in, which decides between equally good splits.',
    },
    example: '{ "type": "train.tree", "params": { "label": "species", "maxDepth": 4 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
  async fit(_ctx, data, p, hooks) {
    const compact = encodeCompact(data.encoding, data.batch, data.rows);
    const tree = growHistogramCart(
      {
        binned: applyBins(fitBins(data.encoding, compact, undefined), compact),
        width: data.encoding.width,
        targets: data.targets,
        classCount: data.classCount,
      },
      {
        maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures: data.encoding.width,
        random: seededRandom(p.seed),
      },
    );
    const state: TreeState = { tree, outputs: data.classCount > 0 ? data.classCount : 1 };
    await hooks.progress(1);
    const leaves = state.tree.feature.filter((f) => f === -1).length;
    return {
      state: { ...state },
      summary: { nodes: state.tree.feature.length, leaves, depth: treeDepth(state.tree.left, state.tree.right) },
    };
  },
  predict: predictTree,
  onnx: {
    write(g, model, x) {
      const state = model.state as unknown as TreeState;
      if (model.task === 'classification') return treeClassifierOnnx(g, x, [state.tree], state.outputs, 1);
      return treeRegressorOnnx(g, x, [state.tree], 1);
    },
  },
});
