import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs, taskParam, taskParamDoc } from '../trainer-description.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    layers: z.array(z.number().int().min(1).max(4096)).max(10).default([64, 64]),
    activation: z.enum(['relu', 'tanh']).default('relu'),
    dropout: z.number().min(0).max(0.9).default(0),
    epochs: z.number().int().min(1).max(10_000).default(500),
    batchSize: z.number().int().min(1).max(65_536).default(200),
    learningRate: z.number().gt(0).max(1).default(0.001),
    l2: z.number().min(0).default(0.0001),
    validationFraction: z.number().min(0).max(0.5).default(0.1),
    patience: z.number().int().min(1).max(1000).default(20),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export const mlpDescription = describeTrainer({
  algorithm: 'mlp',
  title: 'Neural network (MLP)',
  description: 'Train a multi-layer perceptron classifier or regressor with TensorFlow.js, with early stopping.',
  docs: {
    summary:
      'A fully connected network (hidden layers of `layers` units, relu or tanh) trained with Adam on mini-batches. ' +
      'Classifiers end in a softmax over the classes (cross-entropy), regressors in one output (squared error, on the ' +
      'standardised label). `validationFraction` of the rows is held out: training stops when its loss has not ' +
      'improved for `patience` epochs and keeps the best epoch’s weights; every epoch reports the training and ' +
      'validation loss, drawn as a live loss curve. Numeric features are standardised and text features one-hot ' +
      'encoded inside the model.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      layers: 'Units of each hidden layer, e.g. [64, 64].',
      activation: 'Hidden-layer activation: relu or tanh.',
      dropout: 'Share of hidden units dropped at random while training (0: none).',
      epochs: 'The most passes over the training rows.',
      batchSize: 'Rows per Adam step.',
      learningRate: 'Adam’s step size.',
      l2: 'L2 penalty on the weights (scikit-learn’s alpha).',
      validationFraction: 'Share of the rows held out to watch for early stopping; 0: watch the training loss instead.',
      patience: 'Epochs without improvement before training stops.',
      seed: 'Seeds the initial weights, the shuffling and the held-out rows: the same seed gives the same model.',
    },
    example: '{ "type": "train.mlp", "params": { "label": "species", "layers": [64, 64], "epochs": 200 } }',
  },
  params,
  queue: 'gpu',
  tasks: ['classification', 'regression'],
  standardize: true,
});
