import type { ColumnBatch } from '../../core/define-node.js';
import type { TrainerKernels } from '../define-trainer.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import { DENSE_LAYER_WASM } from './dense-layer-wasm.js';

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
  let forward = forwards.get(state);
  if (!forward) {
    forward = mlpOnEncoded(state);
    forwards.set(state, forward);
  }
  return forward(x, x.length / Math.max(width, 1));
}

/** The forward pass of each model scored in this process, laid out once (scoring a table calls this a batch). */
const forwards = new WeakMap<MlpState, (x: Float32Array, count: number) => Float64Array>();

/** Where the forward pass runs: the WebAssembly kernel (dense-layer.wat), or plain JavaScript where WebAssembly is unavailable. */
export type MlpKernel = 'wasm' | 'plain';

/**
 * The forward pass on encoded rows (count × width), with the weights laid
 * out once and the activation chosen once: the request path keeps the
 * returned function for a deployed model, so a 1-row request of a 2 × 64
 * network pays only for the arithmetic (about 1.5 µs in the kernel, 7 µs in
 * plain JavaScript; docs/performance.md). Both kernels compute in 64-bit
 * floats and agree to the last few bits; `kernel` picks one (tests).
 */
export function mlpOnEncoded(
  state: MlpState,
  kernel: MlpKernel = 'wasm',
): (x: Float32Array, count: number) => Float64Array {
  const relu = state.activation === 'relu';
  const forward = (kernel === 'wasm' && wasmForward(state.layers, relu)) || plainForward(state.layers, relu);
  const k = state.layers[state.layers.length - 1].outputs;
  const { mean, std } = state.target ?? { mean: 0, std: 1 };
  return (x, count) => {
    const output = forward(x, count);
    if (state.output === 'identity') return output.map((v) => v * std + mean);
    for (let i = 0; i < count; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, output[i * k + c]);
      let total = 0;
      for (let c = 0; c < k; c++) {
        output[i * k + c] = Math.exp(output[i * k + c] - max);
        total += output[i * k + c];
      }
      for (let c = 0; c < k; c++) output[i * k + c] /= total;
    }
    return output;
  };
}

/**
 * The forward pass of encoded rows: in the WebAssembly kernel (serving a few
 * rows), and through tensors, which serving takes from 64 rows a call where
 * TensorFlow.js runs on a fast backend (measured: docs/performance.md).
 */
export const mlpKernels: TrainerKernels = {
  encoded: (model) => mlpOnEncoded(model.state as unknown as MlpState),
  tensors: {
    fromRows: 64,
    load(tf, model) {
      const state = model.state as unknown as MlpState;
      const layers = state.layers.map((layer) => ({
        weights: tf.tensor2d(layer.weights, [layer.inputs, layer.outputs]),
        bias: tf.tensor1d(layer.bias),
      }));
      const { mean, std } = state.target ?? { mean: 0, std: 1 };
      return (x) => {
        let h = x;
        layers.forEach((layer, l) => {
          h = tf.add(tf.matMul(h, layer.weights), layer.bias);
          if (l < layers.length - 1) h = state.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
        });
        return state.output === 'softmax' ? tf.softmax(h) : tf.add(tf.mul(h, std), mean);
      };
    },
  },
};

/** The last layer's raw outputs (count × outputs) for encoded rows. */
type Forward = (x: Float32Array, count: number) => Float64Array;

function plainForward(stateLayers: MlpLayer[], relu: boolean): Forward {
  const layers = stateLayers.map((layer) => ({
    inputs: layer.inputs,
    outputs: layer.outputs,
    weights: Float64Array.from(layer.weights),
    bias: Float64Array.from(layer.bias),
  }));
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
    return input;
  };
}

/** Rows the kernel takes a call; a larger batch goes through in chunks, so its memory stays small. */
const CHUNK_ROWS = 256;
const PAGE_BYTES = 65536;

/** The part of the WebAssembly API used here (the lib this package compiles with has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: WasmMemory; dense: DenseLayer } };
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
let denseLayer: { api: WasmApi; module: object } | null | undefined;

/** The compiled kernel, once a process; null where WebAssembly with SIMD is unavailable. */
function denseLayerModule(): { api: WasmApi; module: object } | null {
  if (denseLayer === undefined) {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      const bytes = Uint8Array.from(atob(DENSE_LAYER_WASM), (c) => c.charCodeAt(0));
      denseLayer = api ? { api, module: new api.Module(bytes) } : null;
    } catch {
      denseLayer = null;
    }
  }
  return denseLayer;
}

/** Whether the WebAssembly kernel runs in this process (else mlpOnEncoded computes in plain JavaScript). */
export function denseLayerKernelAvailable(): boolean {
  return denseLayerModule() !== null;
}

type DenseLayer = (
  x: number,
  count: number,
  stride: number,
  weights: number,
  bias: number,
  outputs: number,
  out: number,
  outStride: number,
  relu: number,
) => void;

/**
 * The forward pass in the kernel's own memory (layout in dense-layer.wat):
 * each layer's weights transposed and padded, its bias, and one activation
 * buffer of CHUNK_ROWS rows a layer boundary. Undefined where the kernel
 * cannot run here.
 */
function wasmForward(stateLayers: MlpLayer[], relu: boolean): Forward | undefined {
  const kernel = denseLayerModule();
  if (!kernel) return undefined;
  let exports: { memory: WasmMemory; dense: DenseLayer };
  try {
    exports = new kernel.api.Instance(kernel.module).exports;
  } catch {
    return undefined;
  }
  const { memory, dense } = exports;
  // Rows are padded to a multiple of 4 doubles, the kernel's step; the padding stays zero.
  const padded = (width: number) => (width + 3) & ~3;
  let used = 0;
  const take = (doubles: number): number => {
    const at = used;
    used += doubles * 8;
    return at;
  };
  const layers = stateLayers.map((layer) => {
    const stride = padded(layer.inputs);
    return { layer, stride, weights: take(stride * layer.outputs), bias: take(layer.outputs) };
  });
  const widths = [stateLayers[0].inputs, ...stateLayers.map((layer) => layer.outputs)];
  const buffers = widths.map((width) => ({ width, stride: padded(width), at: take(CHUNK_ROWS * padded(width)) }));
  const pages = Math.ceil(used / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
  if (pages > 0) memory.grow(pages);
  const heap = new Float64Array(memory.buffer);
  for (const { layer, stride, weights, bias } of layers) {
    for (let k = 0; k < layer.outputs; k++) {
      for (let j = 0; j < layer.inputs; j++) heap[weights / 8 + k * stride + j] = layer.weights[j * layer.outputs + k];
    }
    heap.set(layer.bias, bias / 8);
  }
  const input = buffers[0];
  const result = buffers[buffers.length - 1];
  return (x, count) => {
    const out = new Float64Array(count * result.width);
    for (let start = 0; start < count; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, count - start);
      for (let i = 0; i < rows; i++) {
        const from = (start + i) * input.width;
        heap.set(x.subarray(from, from + input.width), input.at / 8 + i * input.stride);
      }
      for (let l = 0; l < layers.length; l++) {
        const { layer, stride, weights, bias } = layers[l];
        const target = buffers[l + 1];
        const hidden = l < layers.length - 1;
        dense(
          buffers[l].at,
          rows,
          stride,
          weights,
          bias,
          layer.outputs,
          target.at,
          target.stride,
          hidden && relu ? 1 : 0,
        );
        if (hidden && !relu) {
          for (let i = 0; i < rows; i++) {
            const row = target.at / 8 + i * target.stride;
            for (let k = 0; k < layer.outputs; k++) heap[row + k] = Math.tanh(heap[row + k]);
          }
        }
      }
      for (let i = 0; i < rows; i++) {
        const row = result.at / 8 + i * result.stride;
        out.set(heap.subarray(row, row + result.width), (start + i) * result.width);
      }
    }
    return out;
  };
}
