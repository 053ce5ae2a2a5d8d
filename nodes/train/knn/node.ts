import { z } from 'zod';
import { NodeError } from '../../core/index.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { fitKnn, predictKnn } from './knn-model.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    k: z.number().int().min(1).max(1000).default(5),
  })
  .strict();

export const knnTrainer = defineTrainer({
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
  async fit(_ctx, data, p, hooks) {
    if (p.k > data.rows.length) {
      throw new NodeError(`k (${p.k}) is more than the ${data.rows.length} training rows`, { param: 'k' });
    }
    const state = fitKnn(data.encoding, data.batch, data.rows, data.targets, data.classCount, p.k);
    await hooks.progress(1);
    return { state: { ...state }, summary: { k: p.k } };
  },
  predict: predictKnn,
  onnx: {
    cannot:
      'a nearest-neighbours model is its training rows; ONNX-ML has no neighbour search, and one written in ' +
      'standard operators would carry every training row in the file and break ties among equally near rows ' +
      'differently, so it would not give the same predictions',
  },
});
