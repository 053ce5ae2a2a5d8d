import {
  applyStepsToRow,
  encodeFeatures,
  rowsToBatch,
  trainerFor,
  isOnnxModel,
  trainers,
  type ColumnBatch,
  type ModelBundle,
  type Tensor,
  type TensorFlowApi,
  type TensorKernel,
} from '@pipewright/nodes';
import * as tf from '@tensorflow/tfjs';
import type { RequestRow } from './request-rows.js';

/** The module, as the structural API the trainers' kernels are written against. */
const tensorflow = tf as unknown as TensorFlowApi;

/** Each loaded model's forward pass, its weights held as tensors between calls. */
const loaded = new WeakMap<ModelBundle, (x: Tensor) => Tensor>();

/** The tensor kernel of the model's trainer, where it declares one. */
export function tensorKernelOf(model: ModelBundle): TensorKernel | undefined {
  return isOnnxModel(model) ? undefined : trainerFor(model.algorithm).kernels?.tensors;
}

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
  const forward = forwardOf(model);
  const out = tensorflow.tidy(() => forward(tensorflow.tensor2d(x, [rows, model.encoding.width])));
  const values = Float64Array.from(out.dataSync());
  out.dispose();
  return values;
}

function forwardOf(model: ModelBundle): (x: Tensor) => Tensor {
  let forward = loaded.get(model);
  if (forward) return forward;
  const kernel = tensorKernelOf(model);
  if (!kernel) {
    const algorithms = trainers.filter((t) => t.kernels?.tensors).map((t) => t.algorithm);
    throw new Error(`the tensor path scores ${algorithms.join(' and ')} models, not ${model.algorithm}`);
  }
  forward = kernel.load(tensorflow, model);
  loaded.set(model, forward);
  return forward;
}
