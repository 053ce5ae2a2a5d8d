import { NodeError } from '../core/errors.js';
import type { ColumnBatch } from '../core/define-node.js';
import { applyStepsToRow, compileRowSteps, type Row, type SlotValue } from '../core/transforms.js';
import type { ModelBundle } from '../core/values.js';
import type { ClassValue } from './class-labels.js';
import { rowsToBatch, type RowSelection } from './feature-encoding.js';
import type { ModelView } from './model-state.js';
import { predictLinear } from './linear/linear-model.js';
import { predictLogistic } from './logistic/logistic-scoring.js';
import { predictMlp } from './mlp/mlp-model.js';
import { predictTree } from './tree/tree-model.js';
import { predictForest } from './forest/forest-model.js';
import { predictKnn } from './knn/knn-model.js';
import { predictNaiveBayes } from './naivebayes/naivebayes-model.js';
import { predictKmeans } from './kmeans/kmeans-model.js';

/**
 * Scores rows of `batch` (its feature columns, raw) in plain JavaScript:
 * classifiers give rows × classes probabilities (in the order of
 * model.classes), regressors one value per row, clustering one cluster
 * index per row.
 */
export type Predictor = (model: ModelView, batch: ColumnBatch, rows?: RowSelection) => Float64Array;

const predictors: Record<string, Predictor> = {
  logistic: predictLogistic,
  linear: predictLinear,
  mlp: predictMlp,
  tree: predictTree,
  forest: predictForest,
  knn: predictKnn,
  naivebayes: predictNaiveBayes,
  kmeans: predictKmeans,
};

export function predictorFor(algorithm: string): Predictor {
  const predictor = predictors[algorithm];
  if (!predictor) throw new NodeError(`models trained by "${algorithm}" cannot be scored here`);
  return predictor;
}

/** The model's raw outputs for rows of a batch (see Predictor). */
export function predictBatch(model: ModelBundle, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  return predictorFor(model.algorithm)(model, batch, rows);
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
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < k; c++) {
      probabilities[String(classes[c])] = outputs[i * k + c];
      if (outputs[i * k + c] > outputs[i * k + best]) best = c;
    }
    return { prediction: classes[best], probabilities };
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
}

export function compileRowScorer(model: ModelBundle): RowScorer {
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
  return {
    columns: names,
    stride,
    batch(values, count) {
      for (let i = 0; i < count; i++) compiled.apply(values, i * stride);
      const out: ColumnBatch['values'] = features.map(({ feature, slot }) => {
        if (feature.kind === 'numeric') {
          const numbers = new Float64Array(count);
          for (let i = 0; i < count; i++) {
            const v = values[i * stride + slot];
            if (v === null || v === undefined) numbers[i] = Number.NaN;
            else if (typeof v === 'number') numbers[i] = v;
            else if (typeof v === 'boolean') numbers[i] = v ? 1 : 0;
            else {
              throw new NodeError(`row ${i}: "${feature.column}" must be a number, not ${JSON.stringify(v)}`, {
                column: feature.column,
                row: i,
              });
            }
          }
          return numbers;
        }
        const texts: (string | boolean | null)[] = new Array(count);
        for (let i = 0; i < count; i++) {
          const v = values[i * stride + slot];
          texts[i] = v === null || v === undefined ? null : typeof v === 'boolean' ? v : String(v);
        }
        return texts;
      });
      return { columns, rowCount: count, values: out };
    },
  };
}
