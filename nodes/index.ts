export * from './core/index.js';
export { catalog, registry } from './catalog.js';
export { predictRows, type RowPrediction } from './train/model-scoring.js';
export { compileRowScorer, predictBatch, type RowScorer } from './train/model-scoring.js';
export { deploymentNameSchema } from './deploy/service/node.js';
export { encodeFeatures, rowsToBatch } from './train/feature-encoding.js';
export { loadCsv, type CsvReadOptions } from './source/csv/node.js';
export { trainerFor, trainers } from './train/trainers.js';
export type { AnyTrainer, TensorKernel, Trainer } from './train/define-trainer.js';
