import { predictRows } from '@pipewright/nodes';
import type { RequestRow } from './request-rows.js';
import type { ServingBundle } from './serving-bundle.js';

export interface ScoredRows {
  predictions: (string | number | boolean)[];
  /** Classifiers: one object a row, class → probability. */
  probabilities?: Record<string, number>[];
}

/**
 * Scores request rows with a bundle: its fitted transforms row by row, its
 * encoding, then the model, in plain typed-array math (no tensors: see
 * docs/performance.md for why that is the faster path for these models).
 */
export function scoreRows(bundle: ServingBundle, rows: RequestRow[]): ScoredRows {
  const scored = predictRows(bundle.model, rows);
  const predictions = scored.map((row) => row.prediction);
  if (bundle.model.task !== 'classification') return { predictions };
  return { predictions, probabilities: scored.map((row) => row.probabilities ?? {}) };
}
