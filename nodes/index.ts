export * from './core/index.js';
export { catalog, registry } from './catalog.js';
export { descriptions } from './description-catalog.js';
export { trainerDescriptions } from './train/trainer-descriptions.js';
export type { AnyTrainerDescription, TrainerDescription } from './train/trainer-description.js';
export { predictRows, type RowPrediction } from './train/model-scoring.js';
export { compileRowScorer, predictBatch, scoreBatch, type RowScorer } from './train/model-scoring.js';
export { isOnnxModel, onnxModelBytes, scoreOnnxBatch, ONNX_ALGORITHM } from './model/onnx/onnx-model.js';
export { deploymentNameSchema } from './deploy/service/description.js';
export { encodeFeatures, rowsToBatch } from './train/feature-encoding.js';
export { loadCsv, type CsvReadOptions } from './source/csv/node.js';
export { trainerFor, trainers } from './train/trainers.js';
export type { AnyTrainer, TensorKernel, Trainer } from './train/define-trainer.js';
export type { LogisticState } from './train/logistic/logistic-training.js';
export type { MlpState } from './train/mlp/mlp-model.js';
export {
  COMPARABLE_METRICS,
  EVALUATOR_METRICS,
  compareFigures,
  describeComparison,
  evaluationOf,
  lowerIsBetter,
  type ComparableMetric,
  type Comparison,
  type ModelEvaluation,
} from './deploy/service/champion.js';
export { modelToOnnx } from './train/onnx/model-onnx.js';
export { esmExportRefusal, modelKind, onnxExportRefusal } from './train/export-refusals.js';
export type { OnnxGraph, OnnxTensor, OnnxAttribute } from './train/onnx/onnx-graph.js';
export type { CorrelationReport, CorrelationPair, LabelAssociation } from './explore/correlation/description.js';
export type { ScatterReport } from './explore/scatter/description.js';
