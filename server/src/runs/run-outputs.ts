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
 * The metrics a node produced (those of its metrics outputs, and a trained
 * model's cross-validation report as `cv`), or undefined when it has none.
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
  const crossValidation = Object.values(outputs)
    .map((value) => (value.kind === 'model' ? value.training?.cv : undefined))
    .find((cv) => cv !== undefined);
  if (values.length === 0 && crossValidation === undefined) return undefined;
  const metrics = Object.assign({}, ...values.map((value) => value.metrics)) as Record<string, unknown>;
  if (crossValidation !== undefined) metrics.cv = crossValidation;
  return metrics;
}
