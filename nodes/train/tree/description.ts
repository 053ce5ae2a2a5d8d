import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(1),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export const treeDescription = describeTrainer({
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
});
