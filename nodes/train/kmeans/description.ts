import { z } from 'zod';
import { columnParam, columnsParam } from '../../core/column-params.js';
import { describeTrainer } from '../trainer-description.js';

export const kmeansDescription = describeTrainer({
  algorithm: 'kmeans',
  title: 'k-means clustering',
  description: 'Group rows into k clusters of similar feature values.',
  docs: {
    summary:
      'Finds `k` centres so that every row is close to its nearest one (k-means++ starts, then Lloyd iterations, ' +
      'the best of `nInit` starts, as scikit-learn’s KMeans). Numeric features are standardised (missing values get ' +
      'the training mean), text features one-hot encoded. evaluate.score then gives each row its cluster (0 to ' +
      'k − 1) as `prediction`. With `label` (a column that is not a feature) the model also reports the adjusted ' +
      'Rand index of the clusters against it: 1 is the same grouping, about 0 no better than chance.',
    params: {
      features: 'Columns to cluster on. Empty: every column (except `label`).',
      k: 'Number of clusters.',
      nInit: 'Starts tried; the one with the smallest within-cluster spread is kept.',
      maxIter: 'Most Lloyd iterations per start.',
      seed: 'Seeds the starts: the same clusters on every run.',
      label: 'A column of known groups to compare the clusters with (optional; never used to fit).',
    },
    example: '{ "type": "train.kmeans", "params": { "k": 3, "label": "species" } }',
  },
  params: z
    .object({
      features: columnsParam().default([]),
      k: z.number().int().min(1).max(1000).default(3),
      nInit: z.number().int().min(1).max(100).default(10),
      maxIter: z.number().int().min(1).max(10_000).default(300),
      seed: z.number().int().min(0).default(0),
      label: columnParam().optional(),
    })
    .strict(),
  queue: 'cpu',
  tasks: ['clustering'],
  standardize: true,
});
