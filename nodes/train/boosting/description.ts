import { z } from 'zod';
import { DEFAULT_MAX_BINS } from '../histogram/binned-features.js';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    iterations: z.number().int().min(1).max(10_000).default(100),
    learningRate: z.number().gt(0).max(1).default(0.1),
    maxLeaves: z.number().int().min(2).max(4096).default(31),
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(20),
    l2: z.number().min(0).max(1e6).default(0),
    maxBins: z.number().int().min(2).max(DEFAULT_MAX_BINS).default(DEFAULT_MAX_BINS),
    earlyStopping: z.enum(['auto', 'on', 'off']).default('auto'),
    validationShare: z.number().gt(0).lt(1).default(0.1),
    patience: z.number().int().min(1).max(1000).default(10),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export const boostingDescription = describeTrainer({
  algorithm: 'boosting',
  title: 'Gradient boosting',
  description: 'Train histogram gradient-boosted trees for classification or regression.',
  docs: {
    summary:
      'Adds small trees one after another, each fitted to what the trees before it still get wrong (the gradient ' +
      'of the loss: squared error for numbers, log loss for classes, one tree per class when there are more than ' +
      'two), as LightGBM and scikit-learn’s HistGradientBoosting do. Features are binned once (up to `maxBins` ' +
      'bins a number, one a category), so a split reads a histogram instead of sorting; trees grow leaf-wise, the ' +
      'leaf that lowers the loss most splitting first, up to `maxLeaves` leaves. Each tree’s leaves are scaled by ' +
      '`learningRate`. With early stopping a `validationShare` of the rows is held out and training stops when ' +
      'their loss has not improved for `patience` iterations. The loss of each iteration is shown live; the ' +
      'model reports each feature’s share of the total split gain (`importance`). Often the most accurate model ' +
      'on tables; numbers keep their units and text features are one-hot encoded.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      iterations: 'Boosting iterations (trees; one a class per iteration for more than two classes).',
      learningRate: 'How much of each tree is added (shrinkage): lower needs more iterations but generalises better.',
      maxLeaves: 'Most leaves a tree may have.',
      maxDepth: 'Deepest level of splits of each tree; 0: no limit (maxLeaves bounds the tree).',
      minSamplesLeaf: 'Fewest training rows a leaf may hold.',
      l2: 'L2 penalty on leaf values; 0: none.',
      maxBins: 'Bins a numeric feature is cut into (at most 255); fewer values than that keep exact splits.',
      earlyStopping:
        'on: hold out validationShare of the rows and stop when their loss stops improving; auto: on above 10,000 rows.',
      validationShare: 'Share of the rows held out for early stopping (stratified for classes).',
      patience: 'Iterations without improvement of the validation loss before stopping.',
      seed: 'Seeds the held-out rows of early stopping.',
    },
    example: '{ "type": "train.boosting", "params": { "label": "churn", "iterations": 200, "learningRate": 0.05 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
});
