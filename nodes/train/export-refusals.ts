import { NodeError } from '../core/errors.js';
import type { ModelBundle } from '../core/values.js';
import { isOnnxModel } from '../model/onnx/onnx-algorithm.js';
import { trainerDescriptions } from './trainer-descriptions.js';

/**
 * Why a model cannot be written as a self-contained ES module, or undefined
 * when it can. The module carries the catalog trainers' own scoring code
 * (server/src/model-export), so every trainer's model can; an imported ONNX
 * model is scored by onnxruntime, which no plain module carries. The studio
 * shows the reason next to the downloads, and the export answers it.
 */
export function esmExportRefusal(model: Pick<ModelBundle, 'algorithm'>): string | undefined {
  if (isOnnxModel(model)) {
    return 'an imported ONNX model is scored by onnxruntime, which a plain ES module does not carry (its ONNX download is the file it came in)';
  }
  if (trainerDescriptions.some((trainer) => trainer.algorithm === model.algorithm)) return undefined;
  return `no Pipewright trainer scores "${model.algorithm}" models, and the module carries only the trainers' code`;
}

/**
 * Why a model cannot be written as ONNX, or undefined when it can: the
 * trainer's own reason (knn, …), from its description. The studio shows it
 * next to the download.
 */
export function onnxExportRefusal(model: Pick<ModelBundle, 'algorithm'>): string | undefined {
  // An imported model is exported as the bytes it came in (server/src/model-export).
  if (isOnnxModel(model)) return undefined;
  const trainer = trainerDescriptions.find((candidate) => candidate.algorithm === model.algorithm);
  if (!trainer) throw new NodeError(`models trained by "${model.algorithm}" cannot be scored here`);
  return trainer.onnx?.cannot;
}

/** How a model is named in an export's answer: its node type (train.logistic, model.onnx). */
export function modelKind(model: Pick<ModelBundle, 'algorithm'>): string {
  return isOnnxModel(model) ? 'model.onnx' : `train.${model.algorithm}`;
}
