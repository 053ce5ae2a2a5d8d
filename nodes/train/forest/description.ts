import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    trees: z.number().int().min(1).max(2000).default(100),
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(1),
    maxFeatures: z.enum(['auto', 'sqrt', 'log2', 'all']).default('auto'),
    seed: z.number().int().min(0).default(0),
    fanOut: z.enum(['auto', 'always', 'never']).default('auto'),
  })
  .strict();

export const forestDescription = describeTrainer({
  algorithm: 'forest',
  title: 'Random forest',
  description: 'Train a random-forest classifier or regressor on the CPU.',
  docs: {
    summary:
      'Grows `trees` decision trees, each on a bootstrap sample of the rows and choosing every split among a ' +
      'random subset of the features (auto: √features for classes, all features for numbers, as in scikit-learn), ' +
      'and averages them: class probabilities for classifiers, the mean for regressors. Numbers keep their units, ' +
      'text features are one-hot encoded. Usually far more accurate than one tree; `seed` makes it repeatable.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      trees: 'Number of trees.',
      maxDepth: 'Deepest level of splits of each tree; 0: no limit.',
      minSamplesLeaf: 'Fewest training rows a leaf may hold.',
      maxFeatures: 'Features tried at each split: auto, sqrt, log2 or all.',
      seed: 'Seeds the bootstrap samples and feature draws.',
      fanOut:
        'Grow the trees as jobs that idle workers take, each reading the same table: auto when rows × trees is ' +
        'at least 2,000,000 and two or more workers are alive; always; never. The forest is the same either way.',
    },
    example: '{ "type": "train.forest", "params": { "label": "churn", "trees": 100 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
});
