/**
 * The scoring half of the catalog, without the catalog: what turns a model
 * bundle and plain rows into predictions. An exported ES module carries
 * this code (server/src/model-export/esm-scoring.ts, bundled by
 * scripts/build.mjs), so it imports nothing the row path does not need.
 */
export { predictRows, type RowPrediction } from './train/model-scoring.js';
export type { ColumnInfo, ModelBundle } from './core/values.js';
export type { SlotValue } from './core/transforms.js';
