import { NodeError } from '../../core/index.js';
import { seededRandom } from '../cross-validation.js';
import { defineTrainer, type FitData } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { mlpKernels, predictMlp, type MlpState } from './mlp-model.js';
import { trainMlp, type MlpTrainingSet } from './mlp-training.js';
import { mlpOnnx } from './mlp-onnx.js';
import { mlpDescription } from './description.js';

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

export const mlpTrainer = defineTrainer(mlpDescription, {
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
