import { NodeError } from '../../core/index.js';
import { defineTrainer } from '../define-trainer.js';
import { boostingOutputs, boostingState, fitBoosting, predictBoosting } from './boosting-model.js';
import { boostingOnnx } from './boosting-onnx.js';
import { boostingDescription } from './description.js';

/** Early stopping by default only above this many rows, as scikit-learn's 'auto'. */
const AUTO_EARLY_STOPPING_ROWS = 10_000;

export const boostingTrainer = defineTrainer(boostingDescription, {
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
