import {
  compileRowScorer,
  isOnnxModel,
  predictRows,
  scoreOnnxBatch,
  type ModelBundle,
  type RowScorer,
} from '@pipewright/nodes';
import { onnxRuntime } from '../runtime/onnx-runtime.js';
import { readRequestRows, requestRowList, type RequestRow, type RowSchema } from './request-rows.js';
import type { ServingBundle } from './serving-bundle.js';
import { encodedTensorOutputs, tensorKernelOf, tensorScores } from './tensor-scoring.js';

export interface ScoredRows {
  predictions: (string | number | boolean)[];
  /** Classifiers: one object a row, class → probability. */
  probabilities?: Record<string, number>[];
}

let tensorsReady = false;

/** Called once TensorFlow.js runs on a fast backend (wasm or native) in this process. */
export function enableTensorScoring(): void {
  tensorsReady = true;
}

/**
 * Which path `scoreRows` takes for a request of `rows` rows: tensors from as
 * many rows a call as the trainer's tensor kernel says it is the faster path
 * (measured, docs/performance.md: MLP batches on wasm), else typed arrays.
 */
export function scoringPath(model: ModelBundle, rows: number): 'typed-arrays' | 'tensors' {
  if (!tensorsReady) return 'typed-arrays';
  const fromRows = tensorKernelOf(model)?.fromRows;
  return fromRows !== undefined && rows >= fromRows ? 'tensors' : 'typed-arrays';
}

/**
 * Scores request rows with a bundle: its fitted transforms row by row, its
 * encoding, then the model — in plain typed-array math, or through tensors
 * where scoringPath finds them faster (a test holds them to the same answers).
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

const scorers = new WeakMap<ModelBundle, RowScorer>();

/** The model's row preprocessing, compiled once per loaded bundle. */
function scorerOf(model: ModelBundle): RowScorer {
  let scorer = scorers.get(model);
  if (!scorer) {
    scorer = compileRowScorer(model);
    scorers.set(model, scorer);
  }
  return scorer;
}

/** A request's rows scored: the model's raw outputs (see fromOutputs) and how many rows. */
export interface ScoredRequest {
  count: number;
  outputs: Float64Array;
}

/**
 * The hot path of `POST /api/predict/:name`: checks the body's rows against
 * the schema and scores them in one pass, with no object a row (the
 * preprocessing is compiled once per version). The same answers and the
 * same 400s as checkRequestRows + scoreRows.
 */
export function scoreRequest(bundle: ServingBundle, schema: RowSchema, body: unknown): ScoredRequest {
  const model = bundle.model;
  const scorer = scorerOf(model);
  const rows = requestRowList(body);
  const count = rows.length;
  const tensors = scoringPath(model, count) === 'tensors';
  const chunk = Math.max(1, Math.floor(CHUNK_VALUES / scorer.stride));
  let outputs: Float64Array | undefined;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    const values = readRequestRows(rows, schema, scorer.columns, scorer.stride, from, to);
    const part = tensors
      ? encodedTensorOutputs(model, scorer.encode(values, to - from), to - from)
      : scorer.predict(values, to - from);
    if (to - from === count) return { count, outputs: part };
    const perRow = part.length / (to - from);
    outputs ??= new Float64Array(perRow * count);
    outputs.set(part, perRow * from);
  }
  return { count, outputs: outputs ?? new Float64Array(0) };
}

/**
 * `scoreRequest` for any model: an imported ONNX model's rows are checked
 * and read the same way, then scored by onnxruntime, which answers
 * asynchronously; every other model is scored at once, synchronously.
 */
export function scoreAnyRequest(
  bundle: ServingBundle,
  schema: RowSchema,
  body: unknown,
): ScoredRequest | Promise<ScoredRequest> {
  if (!isOnnxModel(bundle.model)) return scoreRequest(bundle, schema, body);
  const model = bundle.model;
  const scorer = scorerOf(model);
  const rows = requestRowList(body);
  const count = rows.length;
  const values = readRequestRows(rows, schema, scorer.columns, scorer.stride, 0, count);
  return scoreOnnxBatch(onnxRuntime, model, scorer.batch(values, count)).then((outputs) => ({ count, outputs }));
}

/**
 * A request's rows are read and scored this many values at a time: an
 * array of more than about 16,000 numbers passes V8's large-object size
 * (128 KiB), and making one costs a fresh memory mapping and its page
 * faults: 0.9 ms for the 30,000 values of 1,000 rows of 30 fields, against
 * 0.1 ms in chunks (docs/performance.md).
 */
const CHUNK_VALUES = 16_000;

/** The predictions of a scored request, as scoreRows gives them. */
export function predictionsOf(model: ModelBundle, scored: ScoredRequest): ScoredRows['predictions'] {
  return fromOutputs(model, scored.outputs, scored.count).predictions;
}

/**
 * `{ predictions, probabilities?, version }` of a scored request as JSON
 * text, written directly: what JSON.stringify writes of scoreRows' answer,
 * without building an object a row first.
 */
export function answerJson(model: ModelBundle, scored: ScoredRequest, version: number): string {
  const { count, outputs } = scored;
  if (model.task !== 'classification') {
    let text = '{"predictions":[';
    for (let i = 0; i < count; i++) text += (i ? ',' : '') + jsonNumber(outputs[i]);
    return `${text}],"version":${version}}`;
  }
  const texts = classTexts(model);
  if (!texts) return JSON.stringify({ ...fromOutputs(model, outputs, count), version });
  const k = texts.values.length;
  let predictions = '{"predictions":[';
  let probabilities = '],"probabilities":[';
  for (let i = 0; i < count; i++) {
    const o = i * k;
    let best = 0;
    let row = texts.keys[0] + jsonNumber(outputs[o]);
    for (let c = 1; c < k; c++) {
      row += ',' + texts.keys[c] + jsonNumber(outputs[o + c]);
      if (outputs[o + c] > outputs[o + best]) best = c;
    }
    if (i) {
      predictions += ',';
      probabilities += ',';
    }
    predictions += texts.values[best];
    probabilities += '{' + row + '}';
  }
  return `${predictions}${probabilities}],"version":${version}}`;
}

const classTextCache = new WeakMap<ModelBundle, { values: string[]; keys: string[] } | null>();

/**
 * Each class as a JSON value, and as an object key (`"class":`), once a
 * model; null where written text could differ from an object's JSON (no
 * classes, or two classes with the same text).
 */
function classTexts(model: ModelBundle): { values: string[]; keys: string[] } | null {
  let texts = classTextCache.get(model);
  if (texts === undefined) {
    const classes = model.classes ?? [];
    const keys = classes.map((c) => `${JSON.stringify(String(c))}:`);
    texts =
      classes.length > 0 && new Set(keys).size === keys.length
        ? { values: classes.map((c) => JSON.stringify(c)), keys }
        : null;
    classTextCache.set(model, texts);
  }
  return texts;
}

/** A number as JSON.stringify writes it (not finite: null). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
