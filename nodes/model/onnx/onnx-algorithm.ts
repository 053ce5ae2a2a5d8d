import type { ModelBundle } from '../../core/values.js';

/** The `algorithm` of a model bundle made by model.onnx. */
export const ONNX_ALGORITHM = 'onnx';

/** Whether a model bundle is an imported ONNX model (scored by onnxruntime) rather than a trainer's. */
export function isOnnxModel(model: Pick<ModelBundle, 'algorithm'>): boolean {
  return model.algorithm === ONNX_ALGORITHM;
}
