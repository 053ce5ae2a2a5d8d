import type { ColumnBatch } from '../core/define-node.js';
import { NodeError } from '../core/errors.js';
import type { OnnxRuntimeApi } from '../core/onnx-runtime.js';
import { isOnnxModel, scoreOnnxBatch } from '../model/onnx/onnx-model.js';
import { applyStepsToRow, compileRowSteps, type Row, type SlotValue } from '../core/transforms.js';
import type { EncodedFeature, ModelBundle } from '../core/values.js';
import { bestClass, type ClassValue } from './class-labels.js';
import { rowNumber, rowsToBatch, rowText, type RowSelection } from './feature-encoding.js';
import { trainerFor } from './trainers.js';

/** The model's raw outputs for rows of a batch (see Predictor in define-trainer.ts). */
export function predictBatch(model: ModelBundle, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  if (isOnnxModel(model)) throw onnxIsAsync();
  return trainerFor(model.algorithm).predict(model, batch, rows);
}

/**
 * The model's raw outputs for every row of a batch, whatever made the model:
 * a trainer's predict, or onnxruntime (`onnx`: the process's runtime) for an
 * imported ONNX model, which scores asynchronously.
 */
export async function scoreBatch(
  model: ModelBundle,
  batch: ColumnBatch,
  onnx: OnnxRuntimeApi | undefined,
  rows?: RowSelection,
): Promise<Float64Array> {
  if (!isOnnxModel(model)) return predictBatch(model, batch, rows);
  const outputs = await scoreOnnxBatch(onnx, model, batch);
  if (!rows) return outputs;
  // The outputs of the selected rows only, as a Predictor gives them.
  const width = batch.rowCount ? outputs.length / batch.rowCount : 0;
  const picked = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    picked.set(outputs.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  }
  return picked;
}

function onnxIsAsync(): NodeError {
  return new NodeError(
    'an imported ONNX model is scored asynchronously by onnxruntime (scoreBatch); this synchronous path cannot score it',
  );
}

export interface RowPrediction {
  /** The class (mapped back to the label's values), the number, or the cluster index. */
  prediction: ClassValue;
  /** Classifiers: probability per class, keyed by the class as text. */
  probabilities?: Record<string, number>;
}

/**
 * Scores plain row objects (a prediction request) without SQL or tensors:
 * the model's fitted transforms row by row, then its encoding and the model.
 */
export function predictRows(model: ModelBundle, rows: Row[]): RowPrediction[] {
  const steps = model.transforms.flatMap((t) => t.steps);
  const prepared = rows.map((row) => applyStepsToRow(steps, row));
  const outputs = predictBatch(model, rowsToBatch(model.encoding, prepared));
  if (model.task !== 'classification') return Array.from(outputs, (value) => ({ prediction: value }));
  const classes = model.classes ?? [];
  const k = classes.length;
  return rows.map((_, i) => {
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < k; c++) probabilities[String(classes[c])] = outputs[i * k + c];
    return { prediction: classes[bestClass(outputs, i, k)], probabilities };
  });
}

/**
 * A model's row preprocessing compiled once (per deployed version), for
 * scoring request rows without per-row objects: the caller writes each
 * row's values for `columns` (model.inputs first, in order) row-major into
 * one array, and `batch` turns them into the feature columns that
 * predictBatch or tensors read — the same values predictRows builds with
 * applyStepsToRow and rowsToBatch, and the same error for a text where a
 * number is needed.
 */
export interface RowScorer {
  /** Fields read from each request row, in this order; model.inputs come first. */
  columns: string[];
  /** Values a row takes in the array given to `batch` (≥ columns.length: the steps' own columns follow). */
  stride: number;
  /** The encoded features' columns of `count` rows whose values lie at `i * stride` of `values` (changed in place). */
  batch(values: SlotValue[], count: number): ColumnBatch;
  /** The same rows encoded (count × encoding.width, row-major), as encodeFeatures encodes `batch`'s columns. */
  encode(values: SlotValue[], count: number): Float32Array;
  /** The model's outputs for the rows, as predictBatch gives them of `batch`'s columns. */
  predict(values: SlotValue[], count: number): Float64Array;
}

export function compileRowScorer(model: ModelBundle): RowScorer {
  // An imported ONNX model uses `batch` only: onnxruntime scores the columns (scoreBatch).
  const trainer = isOnnxModel(model) ? undefined : trainerFor(model.algorithm);
  const names = model.inputs.map((column) => column.name);
  for (const feature of model.encoding.features) if (!names.includes(feature.column)) names.push(feature.column);
  const compiled = compileRowSteps(
    model.transforms.flatMap((t) => t.steps),
    names,
  );
  const stride = compiled.slots.length;
  const slotOf = (name: string) => compiled.slots.indexOf(name);
  const features = model.encoding.features.map((feature) => ({ feature, slot: slotOf(feature.column) }));
  const columns: ColumnBatch['columns'] = features.map(({ feature }) =>
    feature.kind === 'numeric'
      ? { name: feature.column, type: 'number', sqlType: 'DOUBLE' }
      : { name: feature.column, type: 'string', sqlType: 'VARCHAR' },
  );
  const width = model.encoding.width;
  const encoders = model.encoding.features.map((feature, f) => {
    const slot = slotOf(feature.column);
    return feature.kind === 'numeric'
      ? { kind: 'numeric' as const, feature, slot, f }
      : { kind: 'onehot' as const, feature, slot, f, position: new Map(feature.categories.map((c, k) => [c, k])) };
  });
  let offset = 0;
  const offsets = encoders.map((encoder) => {
    const at = offset;
    offset +=
      encoder.kind === 'numeric' ? 1 : encoder.feature.kind === 'onehot' ? encoder.feature.categories.length : 0;
    return at;
  });
  const scorer: RowScorer = {
    columns: names,
    stride,
    encode(values, count) {
      for (let i = 0; i < count; i++) compiled.apply(values, i * stride);
      const out = new Float32Array(count * width);
      for (let e = 0; e < encoders.length; e++) {
        const encoder = encoders[e];
        const at = offsets[e];
        if (encoder.kind === 'numeric') {
          const { fill, mean, std, column } = encoder.feature as Extract<EncodedFeature, { kind: 'numeric' }>;
          for (let i = 0; i < count; i++) {
            // rowsToBatch's number (NaN: missing), then encodeFeatures' arithmetic.
            const x = rowNumber(values[i * stride + encoder.slot], column, i);
            out[i * width + at] = ((Number.isNaN(x) ? fill : x) - mean) / std;
          }
        } else {
          for (let i = 0; i < count; i++) {
            const v = values[i * stride + encoder.slot];
            const k = v === null || v === undefined ? undefined : encoder.position.get(String(v));
            if (k !== undefined) out[i * width + at + k] = 1;
          }
        }
      }
      return out;
    },
    predict(values, count) {
      if (encoded) return encoded(scorer.encode(values, count), count);
      if (!trainer) throw onnxIsAsync();
      return trainer.predict(model, scorer.batch(values, count));
    },
    batch(values, count) {
      for (let i = 0; i < count; i++) compiled.apply(values, i * stride);
      const out: ColumnBatch['values'] = features.map(({ feature, slot }) => {
        if (feature.kind === 'numeric') {
          const numbers = new Float64Array(count);
          for (let i = 0; i < count; i++) numbers[i] = rowNumber(values[i * stride + slot], feature.column, i);
          return numbers;
        }
        const texts: (string | boolean | null)[] = new Array(count);
        for (let i = 0; i < count; i++) texts[i] = rowText(values[i * stride + slot]);
        return texts;
      });
      return { columns, rowCount: count, values: out };
    },
  };
  // A model with an encoded kernel is scored straight from the encoded rows; its state checked once, here,
  // by the trainer's own predict.
  const kernel = trainer?.kernels?.encoded;
  const encoded = kernel && trainer.predict(model, scorer.batch([], 0)) && kernel(model);
  return scorer;
}
