import { splitTypeVersion, type PipelineFile, type RunDocument } from '@pipewright/nodes/descriptions';
import { baselineVerdict } from '../canvas/baseline';
import { scalarMetrics } from '../canvas/format';
import { findDefinition } from '../catalog/node-catalog';

/** The pipeline a run ran (its version's file): what names its nodes and says which evaluation is which. */
export interface RunGraph {
  nodes: Pick<PipelineFile['nodes'][number], 'id' | 'type' | 'label'>[];
  edges: PipelineFile['edges'];
}

/** The metric each kind of evaluation is known by. */
const MAIN_METRIC: Record<string, string[]> = {
  'evaluate.classification': ['accuracy', 'f1', 'auc'],
  'evaluate.regression': ['r2', 'rmse', 'mae'],
};
const PREFERRED = ['accuracy', 'r2', 'f1', 'auc', 'rmse'];

const typeOf = (graph: RunGraph | undefined, nodeId: string) => {
  const type = graph?.nodes.find((node) => node.id === nodeId)?.type;
  return type ? splitTypeVersion(type).type : undefined;
};

/**
 * The metric a run is known by: the main metric (accuracy, R²) of its first
 * evaluation node in the pipeline. Without the pipeline (or an evaluation
 * with metrics) it falls back to the first node that reported a known metric
 * — never a profile's column count.
 */
export function headlineMetric(
  run: RunDocument,
  graph?: RunGraph,
): { nodeId: string; key: string; value: number } | null {
  const evaluations = (graph?.nodes ?? []).filter((node) => typeOf(graph, node.id)! in MAIN_METRIC);
  for (const node of evaluations) {
    const metrics = scalarMetrics(run.nodes[node.id]?.metrics);
    const key = MAIN_METRIC[typeOf(graph, node.id)!].find((name) => metrics.some(([found]) => found === name));
    const value = metrics.find(([found]) => found === key);
    if (key && value) return { nodeId: node.id, key, value: value[1] };
  }
  for (const [nodeId, node] of Object.entries(run.nodes)) {
    const metrics = scalarMetrics(node.metrics);
    const best = PREFERRED.map((key) => metrics.find(([name]) => name === key)).find(Boolean);
    if (best) return { nodeId, key: best[0], value: best[1] };
  }
  return null;
}

/** A node as a user knows it: its label on the canvas, else its id. */
function nodeName(graph: RunGraph | undefined, nodeId: string): string {
  return graph?.nodes.find((node) => node.id === nodeId)?.label?.trim() || nodeId;
}

/**
 * The trainer whose model an evaluation measures: up the edges from the
 * node (model ports first) to the nearest `train.*` or `model.*` node.
 */
export function trainerBehind(graph: RunGraph, nodeId: string): string | undefined {
  const seen = new Set<string>();
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      const incoming = graph.edges
        .filter((edge) => edge.to.split('.')[0] === id)
        .sort((a, b) => Number(b.to.endsWith('.model')) - Number(a.to.endsWith('.model')));
      for (const edge of incoming) {
        const source = edge.from.split('.')[0];
        if (seen.has(source)) continue;
        seen.add(source);
        const type = typeOf(graph, source) ?? '';
        if (type.startsWith('train.') || type.startsWith('model.')) return source;
        next.push(source);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** How the comparison names the node behind a metric: `Forest metrics · train_forest (Random forest)`. */
export function describeMetricNode(graph: RunGraph | undefined, nodeId: string): string {
  const name = nodeName(graph, nodeId);
  const trainer = graph && trainerBehind(graph, nodeId);
  if (!trainer) return name;
  const type = graph.nodes.find((node) => node.id === trainer)!.type;
  const title = findDefinition(type)?.title ?? splitTypeVersion(type).type;
  const trainerName = nodeName(graph, trainer);
  return `${name} · ${trainerName === trainer ? `${trainer} (${title})` : trainerName}`;
}

export interface ComparisonRow {
  label: string;
  left: string;
  right: string;
  differs: boolean;
  /** Why a side's figure is not to be trusted: its model does not beat the baseline. */
  leftFlag?: string;
  rightFlag?: string;
}

const text = (value: unknown) =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * Two runs side by side: every param and every scalar metric either of them
 * has, marking what differs. Metrics are labelled by the node's label and the
 * trainer behind it (from each run's pipeline, when given), not a bare id.
 */
export function compareRuns(
  left: RunDocument,
  right: RunDocument,
  graphs: { left?: RunGraph; right?: RunGraph } = {},
): { params: ComparisonRow[]; metrics: ComparisonRow[] } {
  const paramNames = [...new Set([...Object.keys(left.params), ...Object.keys(right.params)])].sort();
  const params = paramNames.map((name) => {
    const a = text(left.params[name]);
    const b = text(right.params[name]);
    return { label: name, left: a, right: b, differs: a !== b };
  });
  const metricKeys = new Map<string, [string, string, string]>();
  for (const [run, graph] of [
    [left, graphs.left],
    [right, graphs.right],
  ] as const) {
    for (const [nodeId, node] of Object.entries(run.nodes)) {
      for (const [key] of scalarMetrics(node.metrics)) {
        const id = `${nodeId}.${key}`;
        if (!metricKeys.has(id)) metricKeys.set(id, [nodeId, key, `${describeMetricNode(graph, nodeId)} — ${key}`]);
      }
    }
  }
  const metricOf = (run: RunDocument, nodeId: string, key: string) => {
    const value = run.nodes[nodeId]?.metrics?.[key];
    if (typeof value !== 'number') return '—';
    // Counts (rows, support) read as counts; rates to four places.
    return Number.isInteger(value) ? String(value) : value.toFixed(4);
  };
  /** The compared metric of an evaluation whose model does not beat its baseline carries the reason. */
  const flagOf = (run: RunDocument, nodeId: string, key: string) => {
    const verdict = baselineVerdict(run.nodes[nodeId]?.metrics);
    return verdict && verdict.metric === key && !verdict.beats ? verdict.text : undefined;
  };
  const metrics = [...metricKeys.values()].map(([nodeId, key, label]): ComparisonRow => {
    const a = metricOf(left, nodeId, key);
    const b = metricOf(right, nodeId, key);
    const leftFlag = flagOf(left, nodeId, key);
    const rightFlag = flagOf(right, nodeId, key);
    return {
      label,
      left: a,
      right: b,
      differs: a !== b,
      ...(leftFlag ? { leftFlag } : {}),
      ...(rightFlag ? { rightFlag } : {}),
    };
  });
  return { params, metrics };
}
