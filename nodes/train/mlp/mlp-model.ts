import type { ColumnBatch } from '../../core/define-node.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';

export type MlpActivation = 'relu' | 'tanh';

export interface MlpLayer {
  inputs: number;
  outputs: number;
  /** inputs × outputs, row-major. */
  weights: number[];
  bias: number[];
}

export interface MlpState {
  activation: MlpActivation;
  /** softmax over one output per class, or one number (regression). */
  output: 'softmax' | 'identity';
  layers: MlpLayer[];
  /** Regression: the network predicts (y − mean) / std. */
  target?: { mean: number; std: number };
}

function validState(width: number) {
  return (s: Record<string, unknown>): boolean => {
    const layers = s.layers;
    if (!(s.activation === 'relu' || s.activation === 'tanh')) return false;
    if (!(s.output === 'softmax' || s.output === 'identity') || !Array.isArray(layers) || layers.length === 0) {
      return false;
    }
    let fanIn = width;
    for (const layer of layers as MlpLayer[]) {
      if (layer.inputs !== fanIn || !Array.isArray(layer.weights) || !Array.isArray(layer.bias)) return false;
      if (layer.weights.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) return false;
      fanIn = layer.outputs;
    }
    return true;
  };
}

/**
 * The network's outputs for raw rows, in plain arithmetic (no tensors, so a
 * prediction request costs microseconds): class probabilities (rows ×
 * classes) or one number per row in the label's units.
 */
export function predictMlp(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<MlpState>(model, 'mlp', validState(width));
  const x = encodeFeatures(model.encoding, batch, rows);
  return mlpOnEncoded(state)(x, x.length / Math.max(width, 1));
}

/**
 * The forward pass on encoded rows (count × width), with the weights copied
 * into typed arrays and the activation chosen once: the request path keeps
 * the returned function for a deployed model, so a 1-row request of a
 * 2 × 64 network pays only for the arithmetic.
 */
export function mlpOnEncoded(state: MlpState): (x: Float32Array, count: number) => Float64Array {
  const layers = state.layers.map((layer) => ({
    inputs: layer.inputs,
    outputs: layer.outputs,
    weights: Float64Array.from(layer.weights),
    bias: Float64Array.from(layer.bias),
  }));
  const relu = state.activation === 'relu';
  const { mean, std } = state.target ?? { mean: 0, std: 1 };
  return (x, count) => {
    let input = Float64Array.from(x);
    for (let l = 0; l < layers.length; l++) {
      const { inputs, outputs, weights, bias } = layers[l];
      const hidden = l < layers.length - 1;
      const out = new Float64Array(count * outputs);
      for (let i = 0; i < count; i++) {
        const o = i * outputs;
        for (let k = 0; k < outputs; k++) out[o + k] = bias[k];
        for (let j = 0; j < inputs; j++) {
          const value = input[i * inputs + j];
          if (value === 0) continue;
          const w = j * outputs;
          for (let k = 0; k < outputs; k++) out[o + k] += value * weights[w + k];
        }
        if (hidden) {
          if (relu) for (let k = 0; k < outputs; k++) out[o + k] = Math.max(out[o + k], 0);
          else for (let k = 0; k < outputs; k++) out[o + k] = Math.tanh(out[o + k]);
        }
      }
      input = out;
    }
    const k = layers[layers.length - 1].outputs;
    if (state.output === 'identity') return Float64Array.from(input, (v) => v * std + mean);
    for (let i = 0; i < count; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, input[i * k + c]);
      let total = 0;
      for (let c = 0; c < k; c++) {
        input[i * k + c] = Math.exp(input[i * k + c] - max);
        total += input[i * k + c];
      }
      for (let c = 0; c < k; c++) input[i * k + c] /= total;
    }
    return input;
  };
}
