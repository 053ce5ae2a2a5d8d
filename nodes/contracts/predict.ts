import { z } from 'zod';

/** The most rows one prediction request may send (more: a 413). */
export const MAX_PREDICTION_ROWS = 10_000;

/**
 * `POST /predict/:name` with a deployment's API key: the rows to score, each an object of the model's input
 * columns (the OpenAPI document at `GET /docs` names them per deployment).
 */
export const predictionRequestSchema = z.object({
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_PREDICTION_ROWS),
});

/** What a prediction answers: one prediction a row, in order; a classifier's probabilities by class. */
export const predictionResponseSchema = z.object({
  predictions: z.array(z.unknown()),
  probabilities: z.array(z.record(z.string(), z.number())).optional(),
  version: z.number().int(),
});

/** The error body of the prediction endpoints: the row and column of a bad field where there is one. */
export const predictionErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    row: z.number().int().optional(),
    column: z.string().optional(),
  }),
});
