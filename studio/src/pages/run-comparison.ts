import type { RunDocument } from '@pipewright/nodes';
import { scalarMetrics } from '../canvas/format';

/** The metric a run is known by: the first evaluate node's accuracy, R² or whatever it reported first. */
export function headlineMetric(run: RunDocument): { nodeId: string; key: string; value: number } | null {
  const preferred = ['accuracy', 'r2', 'f1', 'auc', 'rmse'];
  for (const [nodeId, node] of Object.entries(run.nodes)) {
    const metrics = scalarMetrics(node.metrics);
    if (metrics.length === 0) continue;
    const best = preferred.map((key) => metrics.find(([name]) => name === key)).find(Boolean) ?? metrics[0];
    return { nodeId, key: best[0], value: best[1] };
  }
  return null;
}

export interface ComparisonRow {
  label: string;
  left: string;
  right: string;
  differs: boolean;
}

const text = (value: unknown) =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** Two runs side by side: every param and every scalar metric either of them has, marking what differs. */
export function compareRuns(
  left: RunDocument,
  right: RunDocument,
): { params: ComparisonRow[]; metrics: ComparisonRow[] } {
  const paramNames = [...new Set([...Object.keys(left.params), ...Object.keys(right.params)])].sort();
  const params = paramNames.map((name) => {
    const a = text(left.params[name]);
    const b = text(right.params[name]);
    return { label: name, left: a, right: b, differs: a !== b };
  });
  const metricKeys = new Map<string, [string, string]>();
  for (const run of [left, right]) {
    for (const [nodeId, node] of Object.entries(run.nodes)) {
      for (const [key] of scalarMetrics(node.metrics)) metricKeys.set(`${nodeId}.${key}`, [nodeId, key]);
    }
  }
  const metricOf = (run: RunDocument, nodeId: string, key: string) => {
    const value = run.nodes[nodeId]?.metrics?.[key];
    if (typeof value !== 'number') return '—';
    // Counts (rows, support) read as counts; rates to four places.
    return Number.isInteger(value) ? String(value) : value.toFixed(4);
  };
  const metrics = [...metricKeys.entries()].map(([label, [nodeId, key]]) => {
    const a = metricOf(left, nodeId, key);
    const b = metricOf(right, nodeId, key);
    return { label, left: a, right: b, differs: a !== b };
  });
  return { params, metrics };
}
