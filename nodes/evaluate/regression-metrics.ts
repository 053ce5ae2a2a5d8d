import type { RegressionMetricsReport, ResidualPoint } from '../core/metrics.js';

/** Residual points kept for a chart: enough to see the shape, few enough to send. */
export const MAX_RESIDUAL_POINTS = 1000;

/**
 * MAE, RMSE and R² as scikit-learn computes them (R² of a constant truth: 1 if predicted exactly, else 0), and the
 * same for always predicting the mean of the truth (scikit-learn's DummyRegressor): the baseline a model must beat.
 */
export function regressionMetrics(truth: Float64Array, predicted: Float64Array): RegressionMetricsReport {
  const rows = truth.length;
  let absolute = 0;
  let squares = 0;
  let mean = 0;
  for (let i = 0; i < rows; i++) mean += truth[i] / rows;
  let total = 0;
  let fromMean = 0;
  for (let i = 0; i < rows; i++) {
    const error = truth[i] - predicted[i];
    absolute += Math.abs(error);
    squares += error * error;
    total += (truth[i] - mean) ** 2;
    fromMean += Math.abs(truth[i] - mean);
  }
  const r2 = total > 0 ? 1 - squares / total : squares === 0 ? 1 : 0;
  return {
    rows,
    mae: rows ? absolute / rows : 0,
    rmse: rows ? Math.sqrt(squares / rows) : 0,
    r2,
    residuals: residualSample(truth, predicted),
    baselineR2: 0,
    baselineRmse: rows ? Math.sqrt(total / rows) : 0,
    baselineMae: rows ? fromMean / rows : 0,
  };
}

/** Every row up to MAX_RESIDUAL_POINTS, else rows evenly spread over the table. */
function residualSample(truth: Float64Array, predicted: Float64Array): ResidualPoint[] {
  const rows = truth.length;
  const count = Math.min(rows, MAX_RESIDUAL_POINTS);
  return Array.from({ length: count }, (_, k) => {
    const i = count === rows ? k : Math.floor((k * rows) / count);
    return { actual: truth[i], predicted: predicted[i], residual: truth[i] - predicted[i] };
  });
}
