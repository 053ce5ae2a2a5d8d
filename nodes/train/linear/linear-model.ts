import { encodeFeatures, type RowSelection } from '../feature-encoding.js';
import { modelState, type ModelView } from '../model-state.js';
import type { ColumnBatch } from '../../core/define-node.js';

export interface LinearState {
  /** One weight per encoded feature. */
  weights: number[];
  bias: number;
}

/**
 * Least squares with a ridge term: (XcᵀXc + λI) w = Xcᵀyc on the centred
 * encoded rows, solved by Cholesky in double precision; the intercept is
 * not penalised. One-hot blocks are collinear with the intercept, so plain
 * normal equations are singular; a tiny λ (relative to the mean diagonal)
 * picks the minimum-norm solution in the limit, which is what scores well on
 * categories unseen in training.
 */
export function fitLinear(x: Float32Array, y: Float64Array, rows: number, width: number, l2: number): LinearState {
  const d = width;
  const mean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < rows; i++) {
    yMean += y[i] / rows;
    for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / rows;
  }
  // Gram matrix of the raw rows, skipping zeros (one-hot rows are mostly zeros), centred afterwards.
  const gram = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const nonzero = new Int32Array(d);
  for (let i = 0; i < rows; i++) {
    let count = 0;
    for (let j = 0; j < d; j++) if (x[i * d + j] !== 0) nonzero[count++] = j;
    const yc = y[i] - yMean;
    for (let a = 0; a < count; a++) {
      const ja = nonzero[a];
      const va = x[i * d + ja];
      xty[ja] += va * yc;
      for (let b = a; b < count; b++) gram[ja * d + nonzero[b]] += va * x[i * d + nonzero[b]];
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const centred = gram[a * d + b] - rows * mean[a] * mean[b];
      gram[a * d + b] = centred;
      gram[b * d + a] = centred;
    }
    trace += gram[a * d + a];
  }
  const ridge = Math.max(l2 * (trace / Math.max(d, 1)), 1e-12);
  const weights = solveRidge(gram, xty, d, ridge);
  let bias = yMean;
  for (let j = 0; j < d; j++) bias -= weights[j] * mean[j];
  return { weights: Array.from(weights), bias };
}

/** Solves (A + λI) w = b for symmetric positive semi-definite A by Cholesky, raising λ if rounding makes it fail. */
function solveRidge(a: Float64Array, b: Float64Array, d: number, ridge: number): Float64Array {
  for (let lambda = ridge; ; lambda *= 10) {
    const l = cholesky(a, d, lambda);
    if (!l) continue;
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = b[i];
      for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
      z[i] = s / l[i * d + i];
    }
    const w = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < d; k++) s -= l[k * d + i] * w[k];
      w[i] = s / l[i * d + i];
    }
    return w;
  }
}

function cholesky(a: Float64Array, d: number, lambda: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  return l;
}

export function predictLinear(model: ModelView, batch: ColumnBatch, rows?: RowSelection): Float64Array {
  const width = model.encoding.width;
  const state = modelState<LinearState>(
    model,
    'linear',
    (s) => Array.isArray(s.weights) && s.weights.length === width && typeof s.bias === 'number',
  );
  const x = encodeFeatures(model.encoding, batch, rows);
  const count = x.length / Math.max(width, 1);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let z = state.bias;
    for (let j = 0; j < width; j++) z += x[i * width + j] * state.weights[j];
    out[i] = z;
  }
  return out;
}
