import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs } from '../trainer-description.js';

export const linearDescription = describeTrainer({
  algorithm: 'linear',
  title: 'Linear regression',
  description: 'Fit a least-squares linear regression.',
  docs: {
    summary:
      'Predicts the number in `label` as a weighted sum of the feature columns plus an intercept, fitted by least ' +
      'squares in closed form (double precision). Numeric features are standardised (missing values filled with the ' +
      'training mean) and text features one-hot encoded inside the model. A tiny ridge term keeps the fit stable when ' +
      'one-hot columns are collinear, giving the minimum-norm solution; raise `l2` for real ridge regression. Set ' +
      '`folds` for k-fold cross-validation of R², RMSE and MAE.',
    params: {
      ...trainerParamDocs,
      label: 'The numeric column to predict.',
      l2: 'Ridge penalty, relative to the mean variance of the encoded features (0: plain least squares, kept stable by the smallest term that works).',
    },
    example: '{ "type": "train.linear", "params": { "label": "Sale_Price", "folds": 5 } }',
  },
  params: z
    .object({
      ...trainerParams,
      l2: z.number().min(0).max(1000).default(1e-8),
    })
    .strict(),
  queue: 'cpu',
  tasks: ['regression'],
  standardize: true,
});
