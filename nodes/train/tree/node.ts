import { z } from 'zod';
import { seededRandom } from '../cross-validation.js';
import { encodeFeatures } from '../feature-encoding.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { growTree, predictTree } from './tree-model.js';

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
      'error for numbers, thresholds halfway between neighbouring values, as scikit-learn’s CART does. Numbers keep ' +
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
    const width = data.encoding.width;
    const state = growTree(
      {
        x: encodeFeatures(data.encoding, data.batch, data.rows),
        width,
        targets: data.targets,
        classCount: data.classCount,
      },
      {
        maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures: width,
        random: seededRandom(p.seed),
      },
    );
    await hooks.progress(1);
    const leaves = state.tree.feature.filter((f) => f === -1).length;
    return {
      state: { ...state },
      summary: { nodes: state.tree.feature.length, leaves, depth: treeDepth(state.tree.left, state.tree.right) },
    };
  },
  predict: predictTree,
});
