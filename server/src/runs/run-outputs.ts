import type { MetricsValue, OutputSummary, PortValue } from '@pipewright/nodes';

/** What the canvas and the CLI show of a node's outputs: kinds and table sizes, never the data. */
export function summariseOutputs(outputs: Record<string, PortValue>): OutputSummary[] {
  return Object.entries(outputs).map(([port, value]) =>
    value.kind === 'table'
      ? { port, kind: 'table', rows: value.rows, columns: value.columns.length }
      : value.kind === 'model'
        ? { port, kind: 'model', algorithm: value.algorithm }
        : { port, kind: value.kind },
  );
}

/**
 * The metrics a node produced (those of its metrics outputs, a trained
 * model's cross-validation report as `cv` and a tuned one's trials as
 * `tuning`), or undefined when it has none.
 */
export function metricsOf(outputs: Record<string, PortValue>): Record<string, unknown> | undefined {
  const values = Object.values(outputs).filter((value): value is MetricsValue => value.kind === 'metrics');
  // A sampled table says how many rows it kept of how many.
  for (const value of Object.values(outputs)) {
    if (value.kind === 'table' && value.sample) {
      values.push({
        kind: 'metrics',
        key: value.key,
        metrics: { rowsKept: value.sample.kept, rowsOf: value.sample.of },
      });
    }
  }
  const training = (key: 'cv' | 'tuning') =>
    Object.values(outputs)
      .map((value) => (value.kind === 'model' ? value.training?.[key] : undefined))
      .find((found) => found !== undefined);
  const crossValidation = training('cv');
  // train.tune's trials table, as its progress showed it while the trials ran.
  const tuning = training('tuning');
  if (values.length === 0 && crossValidation === undefined && tuning === undefined) return undefined;
  const metrics = Object.assign({}, ...values.map((value) => value.metrics)) as Record<string, unknown>;
  if (crossValidation !== undefined) metrics.cv = crossValidation;
  if (tuning !== undefined) metrics.tuning = tuning;
  return metrics;
}
