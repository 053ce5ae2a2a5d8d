import { NodeError } from '../core/errors.js';
import type { ColumnBatch } from '../core/define-node.js';
import { applyStepsToRow, type Row } from '../core/transforms.js';
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
