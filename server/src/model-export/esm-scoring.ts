import { predictRows, type ModelBundle } from '@pipewright/nodes';
import { checkRows, rowSchema, type RowSchema } from '../predict/request-rows.js';

/** What an exported module's `predict` answers: the body of `POST /api/predict/:name`, less the version. */
export interface ModulePredictions {
  predictions: (string | number | boolean)[];
  /** Classifiers: one object a row, class → probability. */
  probabilities?: Record<string, number>[];
}

export interface ModulePredictor {
  /** The fields each row must carry: the model's raw input columns, their types, and whether null is taken. */
  schema: RowSchema;
  predict(rows: unknown): ModulePredictions;
}

/**
 * The scoring code an exported ES module carries, bundled with the catalog's
 * own scoring (scripts/build.mjs): rows are checked against the model's
 * input schema as the prediction service checks a request (an error naming
 * the row and the field), then scored by predictRows — the fitted
 * transforms row by row, the trainer's encoding, the trainer's `predict` —
 * as scoreRows does for the service. Nothing here but this file is written
 * for the module; the rest is the code the server runs.
 */
export function createPredictor(model: ModelBundle): ModulePredictor {
  const schema = rowSchema(model);
  return {
    schema,
    predict(rows) {
      if (!Array.isArray(rows)) throw new TypeError('predict takes a list of rows: [ { column: value, … } ]');
      const scored = predictRows(model, checkRows(rows, schema));
      const predictions = scored.map((row) => row.prediction);
      if (model.task !== 'classification') return { predictions };
      return { predictions, probabilities: scored.map((row) => row.probabilities ?? {}) };
    },
  };
}
