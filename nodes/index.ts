// The whole catalog, as the server and the worker import it: everything the
// studio's entry (descriptions.ts) gives, with the nodes' run code, trainers,
// scoring and export. `registry` here is the run catalog's.
export * from './descriptions.js';
export { catalog, registry } from './catalog.js';
export { predictRows, type RowPrediction } from './train/model-scoring.js';
export { compileRowScorer, predictBatch, scoreBatch, type RowScorer } from './train/model-scoring.js';
export { onnxModelBytes, scoreOnnxBatch } from './model/onnx/onnx-model.js';
export { encodeFeatures, rowsToBatch } from './train/feature-encoding.js';
export { loadCsv, type CsvReadOptions } from './source/csv/node.js';
export { trainerFor, trainers } from './train/trainers.js';
export type { AnyTrainer, TensorKernel, Trainer } from './train/define-trainer.js';
export type { LogisticState } from './train/logistic/logistic-training.js';
export type { MlpState } from './train/mlp/mlp-model.js';
export { modelToOnnx } from './train/onnx/model-onnx.js';
export type { OnnxGraph, OnnxTensor, OnnxAttribute } from './train/onnx/onnx-graph.js';
