import { z } from 'zod';
import { defineTrainer, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { fitLinear, predictLinear } from './linear-model.js';
import { linearOnnx } from './linear-onnx.js';

export const linearTrainer = defineTrainer({
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
  async fit(_ctx, data, p, hooks) {
    const x = encodeFeatures(data.encoding, data.batch, data.rows);
    const state = fitLinear(x, data.targets as Float64Array, data.rows.length, data.encoding.width, p.l2);
    await hooks.progress(1);
    return { state: { ...state }, summary: { l2: p.l2 } };
  },
  predict: predictLinear,
  onnx: linearOnnx,
});
