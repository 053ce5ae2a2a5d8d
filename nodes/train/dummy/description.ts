import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

export const dummyDescription = describeTrainer({
  algorithm: 'dummy',
  title: 'Baseline (dummy)',
  description: 'Predict the same for every row: the class shares or the mean. The score a real model must beat.',
  docs: {
    summary:
      'A baseline that never looks at the features, like scikit-learn’s DummyClassifier and DummyRegressor: a ' +
      'classifier gives every row the class shares of the training rows as probabilities (so it predicts the most ' +
      'frequent class), a regressor the mean (or median) of the label. Score a real model and this one on the same ' +
      'test rows: a model that does not beat the baseline has learned nothing useful. The features are still the ' +
      'model’s inputs, so it is served and scored like any other model.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      strategy:
        'auto: prior for classes, mean for numbers. prior: the class shares; mostFrequent: probability 1 for the most ' +
        'frequent class; mean or median of the label (regression).',
    },
    example: '{ "type": "train.dummy", "params": { "label": "diagnosis" } }',
  },
  params: z
    .object({
      ...trainerParams,
      task: taskParam,
      strategy: z.enum(['auto', 'prior', 'mostFrequent', 'mean', 'median']).default('auto'),
    })
    .strict(),
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
});
