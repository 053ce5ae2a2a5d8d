import {
  applyStepsToRow,
  encodeFeatures,
  rowsToBatch,
  type ColumnBatch,
  type LogisticState,
  type MlpState,
  type ModelBundle,
} from '@pipewright/nodes';
import * as tf from '@tensorflow/tfjs';
import type { RequestRow } from './request-rows.js';

interface Weights {
  layers: { weights: tf.Tensor2D; bias: tf.Tensor1D }[];
}

const loaded = new WeakMap<ModelBundle, Weights>();

/** Algorithms the tensor path scores. */
export const TENSOR_ALGORITHMS = ['logistic', 'mlp'];

/**
 * The same scores as `predictRows`' typed-array path, through TensorFlow.js
 * (weights kept as tensors between calls): the alternative measured by
 * `npm run bench -- serve`. The service uses the faster one; this stays so
 * the comparison can be re-run, and a test holds both to the same answers.
 */
export function tensorScores(model: ModelBundle, rows: RequestRow[]): Float64Array {
  const steps = model.transforms.flatMap((t) => t.steps);
  const batch = rowsToBatch(
    model.encoding,
    rows.map((row) => applyStepsToRow(steps, row)),
  );
  return tensorOutputs(model, batch);
}

/** tensorScores of rows already turned into the model's feature columns (RowScorer.batch). */
export function tensorOutputs(model: ModelBundle, batch: ColumnBatch): Float64Array {
  return encodedTensorOutputs(model, encodeFeatures(model.encoding, batch), batch.rowCount);
}

/** tensorScores of encoded rows (rows × encoding.width, row-major; RowScorer.encode). */
export function encodedTensorOutputs(model: ModelBundle, x: Float32Array, rows: number): Float64Array {
  const width = model.encoding.width;
  const weights = weightsOf(model);
  const out = tf.tidy(() => {
    let h: tf.Tensor2D = tf.tensor2d(x, [rows, width]);
    weights.layers.forEach((layer, l) => {
      h = tf.add(tf.matMul(h, layer.weights), layer.bias);
      if (model.algorithm === 'mlp' && l < weights.layers.length - 1) {
        h = (model.state as unknown as MlpState).activation === 'relu' ? tf.relu(h) : tf.tanh(h);
      }
    });
    if (model.algorithm === 'logistic') {
      if ((model.state as unknown as LogisticState).link === 'sigmoid') {
        const p = tf.sigmoid(h);
        return tf.concat([tf.sub(1, p), p], 1);
      }
      return tf.softmax(h);
    }
    const state = model.state as unknown as MlpState;
    if (state.output === 'softmax') return tf.softmax(h);
    const { mean, std } = state.target ?? { mean: 0, std: 1 };
    return tf.add(tf.mul(h, std), mean);
  });
  const values = Float64Array.from(out.dataSync());
  out.dispose();
  return values;
}

function weightsOf(model: ModelBundle): Weights {
  let weights = loaded.get(model);
  if (weights) return weights;
  if (model.algorithm === 'logistic') {
    const state = model.state as unknown as LogisticState;
    weights = { layers: [{ weights: tf.tensor2d(state.weights), bias: tf.tensor1d(state.bias) }] };
  } else if (model.algorithm === 'mlp') {
    const state = model.state as unknown as MlpState;
    weights = {
      layers: state.layers.map((layer) => ({
        weights: tf.tensor2d(layer.weights, [layer.inputs, layer.outputs]),
        bias: tf.tensor1d(layer.bias),
      })),
    };
  } else {
    throw new Error(`the tensor path scores ${TENSOR_ALGORITHMS.join(' and ')} models, not ${model.algorithm}`);
  }
  loaded.set(model, weights);
  return weights;
}
