import type { ColumnBatch } from '../../core/define-node.js';
import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';

export interface NaiveBayesState {
  /** Share of the training rows in each class. */
  priors: number[];
  /** classes × width means and variances of the encoded features. */
  means: number[];
  variances: number[];
}

/** scikit-learn's var_smoothing: this share of the largest feature variance is added to every variance. */
export const VAR_SMOOTHING = 1e-9;

/**
 * Gaussian naive Bayes as scikit-learn's GaussianNB fits it: per class the
 * mean and (population) variance of each encoded feature, every variance
 * raised by VAR_SMOOTHING × the largest variance over all rows so none is 0.
 */
export function fitNaiveBayes(
  x: Float32Array,
  width: number,
  targets: Int32Array,
  classCount: number,
): NaiveBayesState {
  const rows = targets.length;
  const counts = new Float64Array(classCount);
  const sums = new Float64Array(classCount * width);
  const overall = new Float64Array(width);
  for (let i = 0; i < rows; i++) {
    const c = targets[i];
    counts[c]++;
    for (let j = 0; j < width; j++) {
      sums[c * width + j] += x[i * width + j];
      overall[j] += x[i * width + j];
    }
  }
  const means = new Float64Array(classCount * width);
  for (let c = 0; c < classCount; c++) {
    for (let j = 0; j < width; j++) means[c * width + j] = counts[c] ? sums[c * width + j] / counts[c] : 0;
  }
  const squares = new Float64Array(classCount * width);
  const overallSquares = new Float64Array(width);
  for (let i = 0; i < rows; i++) {
    const c = targets[i];
    for (let j = 0; j < width; j++) {
      const v = x[i * width + j];
      squares[c * width + j] += (v - means[c * width + j]) ** 2;
      overallSquares[j] += (v - overall[j] / rows) ** 2;
    }
  }
  let largest = 0;
  for (let j = 0; j < width; j++) largest = Math.max(largest, overallSquares[j] / rows);
  const epsilon = VAR_SMOOTHING * largest || 1e-12;
  const variances = Array.from(squares, (s, at) => {
    const c = Math.floor(at / width);
    return (counts[c] ? s / counts[c] : 0) + epsilon;
  });
  return {
    priors: Array.from(counts, (n) => n / rows),
    means: Array.from(means),
    variances,
  };
}

/** Class probabilities: the prior times the Gaussian likelihood of each feature, normalised (in log space). */
export function predictNaiveBayes(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<NaiveBayesState>(model, 'naivebayes', (s) => {
    const k = Array.isArray(s.priors) ? s.priors.length : 0;
    return (
      k >= 2 &&
      (!model.classes || model.classes.length === k) &&
      Array.isArray(s.means) &&
      s.means.length === k * width &&
      Array.isArray(s.variances) &&
      s.variances.length === k * width
    );
  });
  const k = state.priors.length;
  const x = encodeFeatures(model.encoding, batch, rows);
  const count = x.length / Math.max(width, 1);
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let logVariances = 0;
    for (let j = 0; j < width; j++) logVariances += Math.log(2 * Math.PI * state.variances[c * width + j]);
    constant[c] = Math.log(state.priors[c]) - 0.5 * logVariances;
  }
  const out = new Float64Array(count * k);
  const joint = new Float64Array(k);
  for (let i = 0; i < count; i++) {
    let best = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = constant[c];
      for (let j = 0; j < width; j++) {
        const d = x[i * width + j] - state.means[c * width + j];
        s -= (0.5 * d * d) / state.variances[c * width + j];
      }
      joint[c] = s;
      best = Math.max(best, s);
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += Math.exp(joint[c] - best);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(joint[c] - best) / total;
  }
  return out;
}
