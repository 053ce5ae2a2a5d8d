import type { MetricsValue, OutputSummary, PortValue } from '@pipewright/nodes';

/** What the canvas and the CLI show of a node's outputs: kinds and table sizes, never the data. */
export function summariseOutputs(outputs: Record<string, PortValue>): OutputSummary[] {
  return Object.entries(outputs).map(([port, value]) =>
    value.kind === 'table'
      ? { port, kind: 'table', rows: value.rows, columns: value.columns.length }
      : { port, kind: value.kind },
  );
}

/** The metrics a node produced (those of its metrics outputs), or undefined when it has none. */
export function metricsOf(outputs: Record<string, PortValue>): Record<string, unknown> | undefined {
  const values = Object.values(outputs).filter((value): value is MetricsValue => value.kind === 'metrics');
  if (values.length === 0) return undefined;
  return Object.assign({}, ...values.map((value) => value.metrics)) as Record<string, unknown>;
}
