import { formatMetric } from './format';

/** How an evaluation's model compares with the baseline its evaluate node reports (the majority class, the mean). */
export interface BaselineVerdict {
  /** The metric compared: `accuracy` or `r2`. */
  metric: 'accuracy' | 'r2';
  value: number;
  baseline: number;
  beats: boolean;
  /** One sentence a user reads: what the model scores, what the baseline scores, and what the baseline is. */
  text: string;
}

/**
 * The verdict on an evaluation's metrics, or null for metrics without a baseline (not an evaluation, or one
 * run before evaluate nodes reported it). A tie does not beat the baseline: the model then learned nothing.
 */
export function baselineVerdict(metrics: Record<string, unknown> | undefined): BaselineVerdict | null {
  if (typeof metrics?.accuracy === 'number' && typeof metrics.baselineAccuracy === 'number') {
    const { accuracy: value, baselineAccuracy: baseline } = metrics;
    const always = typeof metrics.majorityClass === 'string' ? `always answering “${metrics.majorityClass}”` : '';
    const beats = value > baseline;
    return {
      metric: 'accuracy',
      value,
      baseline,
      beats,
      text: beats
        ? `Accuracy ${formatMetric(value)} beats the majority-class baseline ${formatMetric(baseline)} (${always}).`
        : `Accuracy ${formatMetric(value)} does not beat the majority-class baseline ${formatMetric(baseline)} (${always}): the model has learned nothing useful.`,
    };
  }
  if (typeof metrics?.r2 === 'number' && typeof metrics.baselineR2 === 'number') {
    const { r2: value, baselineR2: baseline } = metrics;
    const beats = value > baseline;
    return {
      metric: 'r2',
      value,
      baseline,
      beats,
      text: beats
        ? `R² ${formatMetric(value)} beats always predicting the mean (R² ${formatMetric(baseline)}).`
        : `R² ${formatMetric(value)} does not beat always predicting the mean (R² ${formatMetric(baseline)}): the model has learned nothing useful.`,
    };
  }
  return null;
}
