/**
 * The catalog as the studio imports it (`@pipewright/nodes/descriptions`):
 * every node's description — type, ports, params schema, docs — and the
 * core's contracts, without any node's run code, trainer or WebAssembly.
 * The server and the worker import the whole catalog (index.ts).
 */
export * from './core/index.js';
export { descriptions, descriptionRegistry as registry } from './description-catalog.js';
export { trainerDescriptions } from './train/trainer-descriptions.js';
export type { AnyTrainerDescription, TrainerDescription } from './train/trainer-description.js';
export { esmExportRefusal, modelKind, onnxExportRefusal } from './train/export-refusals.js';
export { isOnnxModel, ONNX_ALGORITHM } from './model/onnx/onnx-algorithm.js';
export { deploymentNameSchema } from './deploy/service/description.js';
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
export type { CorrelationReport, CorrelationPair, LabelAssociation } from './explore/correlation/description.js';
export type { ScatterReport } from './explore/scatter/description.js';
