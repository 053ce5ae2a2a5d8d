import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs } from '../trainer-description.js';

export const logisticDescription = describeTrainer({
  algorithm: 'logistic',
  title: 'Logistic regression',
  description: 'Train a logistic-regression classifier (binary or multiclass) with TensorFlow.js.',
  docs: {
    summary:
      'Learns to predict the class in `label` from the feature columns: two classes with a sigmoid, more with a ' +
      'softmax. Numeric features are standardised (missing values filled with the training mean) and text features ' +
      'one-hot encoded inside the model, so raw rows can be scored. Trained full-batch with Adam and an L2 penalty ' +
      'like scikit-learn’s default (C = 1). Set `folds` for k-fold cross-validation of accuracy, F1 and log loss.',
    params: {
      ...trainerParamDocs,
      label: 'The column holding the class to predict (text, boolean or whole numbers).',
      epochs: 'Passes over the training rows.',
      learningRate: 'Adam’s step size.',
      l2: 'Strength of the L2 penalty on the weights, like 1/C in scikit-learn; 0 turns it off.',
      tolerance:
        'Stop before `epochs` once the loss improves by less than this per epoch (judged over 20 epochs); 1e-6 keeps the accuracy and saves most of the time on large tables. 0: run every epoch.',
    },
    example: '{ "type": "train.logistic", "params": { "label": "diagnosis", "folds": 5 } }',
  },
  params: z
    .object({
      ...trainerParams,
      epochs: z.number().int().min(1).max(100_000).default(500),
      learningRate: z.number().gt(0).max(10).default(0.05),
      l2: z.number().min(0).default(1),
      tolerance: z.number().min(0).max(1).default(0),
    })
    .strict(),
  queue: 'gpu',
  tasks: ['classification'],
  standardize: true,
});
