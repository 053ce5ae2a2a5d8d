import { predictRows, type ModelBundle } from '@pipewright/nodes';
import type { RequestRow } from './request-rows.js';
import type { ServingBundle } from './serving-bundle.js';
import { tensorScores } from './tensor-scoring.js';

export interface ScoredRows {
  predictions: (string | number | boolean)[];
  /** Classifiers: one object a row, class → probability. */
  probabilities?: Record<string, number>[];
}

/**
 * From this many rows a call, an MLP is scored with tensors: measured
 * (docs/performance.md), the typed-array path is faster for a few rows and
 * every logistic model, TensorFlow.js (wasm) for MLP batches.
 */
export const TENSOR_MIN_ROWS = 64;
let tensorsReady = false;

/** Called once TensorFlow.js runs on a fast backend (wasm or native) in this process. */
export function enableTensorScoring(): void {
  tensorsReady = true;
}

/** Which path `scoreRows` takes for a request of `rows` rows. */
export function scoringPath(model: ModelBundle, rows: number): 'typed-arrays' | 'tensors' {
  return tensorsReady && model.algorithm === 'mlp' && rows >= TENSOR_MIN_ROWS ? 'tensors' : 'typed-arrays';
}

/**
 * Scores request rows with a bundle: its fitted transforms row by row, its
 * encoding, then the model — in plain typed-array math, or for MLP batches
 * through tensors (the faster of the two; a test holds them to the same answers).
 */
export function scoreRows(bundle: ServingBundle, rows: RequestRow[]): ScoredRows {
  const model = bundle.model;
  if (scoringPath(model, rows.length) === 'tensors') return fromOutputs(model, tensorScores(model, rows), rows.length);
  const scored = predictRows(model, rows);
  const predictions = scored.map((row) => row.prediction);
  if (model.task !== 'classification') return { predictions };
  return { predictions, probabilities: scored.map((row) => row.probabilities ?? {}) };
}

/** Raw outputs (rows × classes probabilities, or one value a row) as an answer, the way predictRows words it. */
function fromOutputs(model: ModelBundle, outputs: Float64Array, rows: number): ScoredRows {
  if (model.task !== 'classification') return { predictions: Array.from(outputs) };
  const classes = model.classes ?? [];
  const k = classes.length;
  const predictions: (string | number | boolean)[] = [];
  const probabilities: Record<string, number>[] = [];
  for (let i = 0; i < rows; i++) {
    let best = 0;
    const row: Record<string, number> = {};
    for (let c = 0; c < k; c++) {
      row[String(classes[c])] = outputs[i * k + c];
      if (outputs[i * k + c] > outputs[i * k + best]) best = c;
    }
    predictions.push(classes[best]);
    probabilities.push(row);
  }
  return { predictions, probabilities };
}
