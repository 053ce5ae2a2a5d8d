import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    k: z.number().int().min(1).max(1000).default(5),
  })
  .strict();

export const knnDescription = describeTrainer({
  algorithm: 'knn',
  title: 'k nearest neighbours',
  description: 'Classify or predict from the k most similar training rows.',
  docs: {
    summary:
      'Keeps the training rows; a new row gets the classes (as shares: the probabilities) or the mean label of ' +
      'its `k` nearest training rows by Euclidean distance. Numeric features are standardised first so no unit ' +
      'dominates (missing values get the training mean); text features are one-hot encoded. The model holds every ' +
      'training row, so it grows with the table and scoring takes longer on large tables.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      k: 'How many neighbours vote (5 in scikit-learn).',
    },
    example: '{ "type": "train.knn", "params": { "label": "species", "k": 5 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: true,
  onnx: {
    cannot:
      'a nearest-neighbours model is its training rows; ONNX-ML has no neighbour search, and one written in ' +
      'standard operators would carry every training row in the file and break ties among equally near rows ' +
      'differently, so it would not give the same predictions',
  },
});
