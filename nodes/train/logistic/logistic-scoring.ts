import type { ColumnBatch } from '../../core/define-node.js';
import type { TrainerKernels } from '../define-trainer.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import type { LogisticState } from './logistic-training.js';

/** Class probabilities (rows × classes, in the order of model.classes) of raw rows under a logistic model. */
export function predictLogistic(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<LogisticState>(model, 'logistic', (s) => {
    const { link, weights, bias } = s;
    return (
      (link === 'sigmoid' || link === 'softmax') &&
      Array.isArray(weights) &&
      weights.length === width &&
      Array.isArray(bias) &&
      weights.every((row) => Array.isArray(row) && row.length === bias.length)
    );
  });
  const x = encodeFeatures(model.encoding, batch, rows);
  return logisticProbabilities(state, x, x.length / Math.max(width, 1), width);
}

/**
 * Class probabilities of encoded rows (rows × width, row-major) under a
 * logistic model, as rows × classes: plain arithmetic, no tensors, so
 * scoring a handful of rows costs nothing.
 */
export function logisticProbabilities(
  state: LogisticState,
  x: Float32Array,
  rows: number,
  width: number,
): Float64Array {
  const outputs = state.bias.length;
  const classes = state.link === 'sigmoid' ? 2 : outputs;
  const out = new Float64Array(rows * classes);
  const z = new Float64Array(outputs);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < outputs; k++) z[k] = state.bias[k];
    for (let j = 0; j < width; j++) {
      const value = x[i * width + j];
      if (value === 0) continue;
      const w = state.weights[j];
      for (let k = 0; k < outputs; k++) z[k] += value * w[k];
    }
    if (state.link === 'sigmoid') {
      const p = 1 / (1 + Math.exp(-z[0]));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    } else {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < outputs; k++) max = Math.max(max, z[k]);
      let total = 0;
      for (let k = 0; k < outputs; k++) {
        const e = Math.exp(z[k] - max);
        out[i * classes + k] = e;
        total += e;
      }
      for (let k = 0; k < outputs; k++) out[i * classes + k] /= total;
    }
  }
  return out;
}

/** The same probabilities of encoded rows: in plain arithmetic (serving), and through tensors (measured against it). */
export const logisticKernels: TrainerKernels = {
  encoded(model) {
    const state = model.state as unknown as LogisticState;
    const width = model.encoding.width;
    return (x, count) => logisticProbabilities(state, x, count, width);
  },
  tensors: {
    load(tf, model) {
      const state = model.state as unknown as LogisticState;
      const weights = tf.tensor2d(state.weights);
      const bias = tf.tensor1d(state.bias);
      return (x) => {
        const z = tf.add(tf.matMul(x, weights), bias);
        if (state.link === 'softmax') return tf.softmax(z);
        const p = tf.sigmoid(z);
        return tf.concat([tf.sub(1, p), p], 1);
      };
    },
  },
};
