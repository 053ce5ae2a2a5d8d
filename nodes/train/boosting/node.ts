import { z } from 'zod';
import { NodeError } from '../../core/index.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { DEFAULT_MAX_BINS } from '../histogram/binned-features.js';
import { boostingOutputs, boostingState, fitBoosting, predictBoosting } from './boosting-model.js';
import { boostingOnnx } from './boosting-onnx.js';

/** Early stopping by default only above this many rows, as scikit-learn's 'auto'. */
const AUTO_EARLY_STOPPING_ROWS = 10_000;

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    iterations: z.number().int().min(1).max(10_000).default(100),
    learningRate: z.number().gt(0).max(1).default(0.1),
    maxLeaves: z.number().int().min(2).max(4096).default(31),
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(20),
    l2: z.number().min(0).max(1e6).default(0),
    maxBins: z.number().int().min(2).max(DEFAULT_MAX_BINS).default(DEFAULT_MAX_BINS),
    earlyStopping: z.enum(['auto', 'on', 'off']).default('auto'),
    validationShare: z.number().gt(0).lt(1).default(0.1),
    patience: z.number().int().min(1).max(1000).default(10),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export const boostingTrainer = defineTrainer({
  algorithm: 'boosting',
  title: 'Gradient boosting',
  description: 'Train histogram gradient-boosted trees for classification or regression.',
  docs: {
    summary:
      'Adds small trees one after another, each fitted to what the trees before it still get wrong (the gradient ' +
      'of the loss: squared error for numbers, log loss for classes, one tree per class when there are more than ' +
      'two), as LightGBM and scikit-learn’s HistGradientBoosting do. Features are binned once (up to `maxBins` ' +
      'bins a number, one a category), so a split reads a histogram instead of sorting; trees grow leaf-wise, the ' +
      'leaf that lowers the loss most splitting first, up to `maxLeaves` leaves. Each tree’s leaves are scaled by ' +
      '`learningRate`. With early stopping a `validationShare` of the rows is held out and training stops when ' +
      'their loss has not improved for `patience` iterations. The loss of each iteration is shown live; the ' +
      'model reports each feature’s share of the total split gain (`importance`). Often the most accurate model ' +
      'on tables; numbers keep their units and text features are one-hot encoded.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      iterations: 'Boosting iterations (trees; one a class per iteration for more than two classes).',
      learningRate: 'How much of each tree is added (shrinkage): lower needs more iterations but generalises better.',
      maxLeaves: 'Most leaves a tree may have.',
      maxDepth: 'Deepest level of splits of each tree; 0: no limit (maxLeaves bounds the tree).',
      minSamplesLeaf: 'Fewest training rows a leaf may hold.',
      l2: 'L2 penalty on leaf values; 0: none.',
      maxBins: 'Bins a numeric feature is cut into (at most 255); fewer values than that keep exact splits.',
      earlyStopping:
        'on: hold out validationShare of the rows and stop when their loss stops improving; auto: on above 10,000 rows.',
      validationShare: 'Share of the rows held out for early stopping (stratified for classes).',
      patience: 'Iterations without improvement of the validation loss before stopping.',
      seed: 'Seeds the held-out rows of early stopping.',
    },
    example: '{ "type": "train.boosting", "params": { "label": "churn", "iterations": 200, "learningRate": 0.05 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
  async fit(ctx, data, p, hooks) {
    const early =
      p.earlyStopping === 'on' || (p.earlyStopping === 'auto' && data.rows.length > AUTO_EARLY_STOPPING_ROWS);
    const held = early ? Math.round(data.rows.length * p.validationShare) : 0;
    if (early && (held < 1 || data.rows.length - held < 2 * p.minSamplesLeaf)) {
      throw new NodeError(
        `early stopping holds out ${held} of ${data.rows.length} rows, too few to train or to validate on; ` +
          'turn earlyStopping off or use more rows',
        { param: 'earlyStopping' },
      );
    }
    const fit = await fitBoosting(data, {
      iterations: p.iterations,
      learningRate: p.learningRate,
      maxLeaves: p.maxLeaves,
      maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
      minSamplesLeaf: p.minSamplesLeaf,
      l2: p.l2,
      maxBins: p.maxBins,
      validationShare: early ? p.validationShare : 0,
      patience: p.patience,
      tol: 1e-7,
      seed: p.seed,
      signal: hooks.signal,
      onIteration: (iteration, loss, valLoss) =>
        hooks.progress(iteration / p.iterations, {
          epoch: iteration,
          epochs: p.iterations,
          loss,
          ...(valLoss !== undefined ? { valLoss } : {}),
        }),
    });
    if (hooks.signal.aborted) throw new NodeError('cancelled');
    if (hooks.final && fit.iterations < p.iterations) {
      ctx.log(`stopped early after ${fit.iterations} iterations: validation loss ${fit.valLoss?.toFixed(4)}`);
    }
    return {
      state: { ...fit.state },
      summary: {
        iterations: fit.iterations,
        trees: fit.state.trees.length,
        loss: fit.loss,
        ...(fit.valLoss !== undefined ? { valLoss: fit.valLoss } : {}),
        validationRows: fit.validationRows,
        importance: fit.importance,
      },
    };
  },
  predict: predictBoosting,
  onnx: boostingOnnx,
  kernels: {
    encoded(model) {
      const state = boostingState(model);
      const width = model.encoding.width;
      return (x, count) => boostingOutputs(state, x, count, width);
    },
  },
});
