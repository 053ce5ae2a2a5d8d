import { defineTrainer } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { logisticKernels, predictLogistic } from './logistic-scoring.js';
import { trainLogistic } from './logistic-training.js';
import { logisticOnnx } from './logistic-onnx.js';
import { logisticDescription } from './description.js';

export const logisticTrainer = defineTrainer(logisticDescription, {
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
