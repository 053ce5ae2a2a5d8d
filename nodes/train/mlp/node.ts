import { z } from 'zod';
import { NodeError } from '../../core/index.js';
import { seededRandom } from '../cross-validation.js';
import {
  defineTrainer,
  taskParam,
  taskParamDoc,
  trainerParamDocs,
  trainerParams,
  type FitData,
} from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { mlpKernels, predictMlp, type MlpState } from './mlp-model.js';
import { trainMlp, type MlpTrainingSet } from './mlp-training.js';
import { mlpOnnx } from './mlp-onnx.js';

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

/** Rows held out for early stopping: a seeded share of each class (classification) or of all rows. */
function validationSplit(data: FitData, fraction: number, seed: number): { train: number[]; validation: number[] } {
  const count = data.rows.length;
  if (fraction === 0) return { train: Array.from({ length: count }, (_, i) => i), validation: [] };
  const random = seededRandom(seed + 1);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const key = data.task === 'classification' ? data.targets[i] : 0;
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const group of groups.values()) {
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [group[i], group[j]] = [group[j], group[i]];
    }
    const held = Math.round(group.length * fraction);
    validation.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train, validation };
}

export const mlpTrainer = defineTrainer({
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
  async fit(ctx, data, p, hooks) {
    const classification = data.task === 'classification';
    const outputs = classification ? data.classCount : 1;
    let target: MlpState['target'];
    if (!classification) {
      const values = data.targets as Float64Array;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      target = { mean, std: std > 1e-12 ? std : 1 };
    }
    // Each part encoded on its own: no full copy of the encoded table is held besides them.
    const subset = (at: number[]): MlpTrainingSet => {
      const sx = encodeFeatures(
        data.encoding,
        data.batch,
        Int32Array.from(at, (i) => data.rows[i]),
      );
      const sy = new Float32Array(at.length * outputs);
      at.forEach((i, r) => {
        if (target) sy[r] = (data.targets[i] - target.mean) / target.std;
        else sy[r * outputs + data.targets[i]] = 1;
      });
      return { x: sx, y: sy, rows: at.length };
    };
    const split = validationSplit(data, p.validationFraction, p.seed);
    if (split.train.length === 0 || (p.validationFraction > 0 && split.validation.length === 0)) {
      throw new NodeError(
        `validationFraction ${p.validationFraction} of ${data.rows.length} rows leaves no rows to ${split.train.length ? 'validate' : 'train'} on`,
        { param: 'validationFraction' },
      );
    }
    const result = await trainMlp(ctx.tf, subset(split.train), {
      width: data.encoding.width,
      outputs,
      loss: classification ? 'crossEntropy' : 'squared',
      hidden: p.layers,
      activation: p.activation,
      dropout: p.dropout,
      epochs: p.epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      l2: p.l2,
      patience: p.patience,
      seed: p.seed,
      ...(split.validation.length ? { validation: subset(split.validation) } : {}),
      signal: hooks.signal,
      threads: ctx.threads,
      onEpoch: (epoch, loss, valLoss) =>
        hooks.progress(epoch / p.epochs, {
          epoch,
          epochs: p.epochs,
          loss,
          ...(valLoss !== undefined ? { valLoss } : {}),
        }),
    });
    if (hooks.final) {
      const stopped = result.epochsRun < p.epochs ? `stopped early after ${result.epochsRun} epochs, ` : '';
      const threads = result.threads > 1 ? ` (data-parallel on ${result.threads} threads)` : '';
      ctx.log(`${stopped}kept the weights of epoch ${result.bestEpoch}: loss ${result.loss.toFixed(4)}${threads}`);
    }
    const state: MlpState = {
      activation: p.activation,
      output: classification ? 'softmax' : 'identity',
      layers: result.layers,
      ...(target ? { target } : {}),
    };
    return {
      state: { ...state },
      summary: {
        layers: p.layers,
        epochs: p.epochs,
        epochsRun: result.epochsRun,
        bestEpoch: result.bestEpoch,
        loss: result.loss,
        ...(result.valLoss !== undefined ? { valLoss: result.valLoss } : {}),
        validationRows: split.validation.length,
      },
    };
  },
  predict: predictMlp,
  onnx: mlpOnnx,
  kernels: mlpKernels,
});
