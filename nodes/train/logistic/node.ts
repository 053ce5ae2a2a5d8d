import { z } from 'zod';
import { defineTrainer, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { logisticKernels, predictLogistic } from './logistic-scoring.js';
import { trainLogistic } from './logistic-training.js';
import { logisticOnnx } from './logistic-onnx.js';

export const logisticTrainer = defineTrainer({
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
  async fit(ctx, data, p, hooks) {
    const { state, loss, epochsRun } = await trainLogistic(
      ctx.tf,
      {
        x: encodeFeatures(data.encoding, data.batch, data.rows),
        rows: data.rows.length,
        width: data.encoding.width,
        targets: data.targets as Int32Array,
        classCount: data.classCount,
      },
      {
        epochs: p.epochs,
        learningRate: p.learningRate,
        l2: p.l2,
        tolerance: p.tolerance,
        signal: hooks.signal,
        onEpoch: (epoch, loss) => hooks.progress(epoch / p.epochs, { epoch, epochs: p.epochs, loss }),
      },
    );
    if (hooks.final) {
      const converged = epochsRun < p.epochs ? `converged after ${epochsRun} epochs: ` : '';
      ctx.log(`${converged}final training loss ${loss.toFixed(4)}`);
    }
    return {
      state: { ...state },
      summary: { epochs: p.epochs, epochsRun, learningRate: p.learningRate, l2: p.l2, loss },
    };
  },
  predict: predictLogistic,
  kernels: logisticKernels,
  onnx: logisticOnnx,
});
