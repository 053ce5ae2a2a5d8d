export * from './core/index.js';
export { catalog, registry } from './catalog.js';
export { predictRows, type RowPrediction } from './train/model-scoring.js';
export { deploymentNameSchema } from './deploy/service/node.js';
