import { z } from 'zod';
import { defineNode } from '../../core/index.js';
import { encodeFeatures } from '../feature-encoding.js';
import {
  runSupervisedTrainer,
  trainerParamDocs,
  trainerParams,
  type SupervisedAlgorithm,
} from '../supervised-trainer.js';
import { fitLinear } from './linear-model.js';

const params = z
  .object({
    ...trainerParams,
    l2: z.number().min(0).max(1000).default(1e-8),
  })
  .strict();

type LinearParams = z.infer<typeof params>;

const linear: SupervisedAlgorithm<LinearParams> = {
  algorithm: 'linear',
  standardize: true,
  task: () => 'regression',
  async fit(_ctx, data, p, hooks) {
    const x = encodeFeatures(data.encoding, data.batch, data.rows);
    const state = fitLinear(x, data.targets as Float64Array, data.rows.length, data.encoding.width, p.l2);
    await hooks.progress(1);
    return { state: { ...state }, summary: { l2: p.l2 } };
  },
};

export const trainLinearNode = defineNode({
  type: 'train.linear',
  version: 1,
  category: 'train',
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
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'model', type: 'model' }],
  params,
  queue: 'cpu',
  run: (ctx, inputs, p) => runSupervisedTrainer(ctx, inputs, p, linear),
});
