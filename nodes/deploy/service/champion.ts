import type { GraphNode } from '../../core/index.js';

/**
 * Champion–challenger, the pure part: which metrics two models can be compared on (and which way is better),
 * where in a graph the rows are that a deployed model was evaluated on, and what a comparison decides.
 */

export const HIGHER_IS_BETTER = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'r2'] as const;
export const LOWER_IS_BETTER = ['logLoss', 'rmse', 'mae'] as const;
export const COMPARABLE_METRICS = [...HIGHER_IS_BETTER, ...LOWER_IS_BETTER] as const;
export type ComparableMetric = (typeof COMPARABLE_METRICS)[number];

/** The evaluators whose figures a policy may compare, with what each gives; the first is its headline. */
export const EVALUATOR_METRICS: Record<string, readonly ComparableMetric[]> = {
  'evaluate.classification': ['accuracy', 'f1', 'auc', 'logLoss', 'precision', 'recall'],
  'evaluate.regression': ['r2', 'rmse', 'mae'],
};

export function lowerIsBetter(metric: ComparableMetric): boolean {
  return (LOWER_IS_BETTER as readonly string[]).includes(metric);
}

/** Where a deployed model was evaluated: the evaluate.score node that scored it and the evaluator after it. */
export interface ModelEvaluation {
  /** The deploy node's model: a trainer's (or other model node's) output. */
  model: { nodeId: string; port: string };
  /** evaluate.score of that model; its `in` is the withheld rows. */
  scoreNode: string;
  rows: { nodeId: string; port: string };
  evaluateNode: string;
  evaluateType: string;
  /** What `metric` means here: the one asked for, or the evaluator's headline. */
  metric: ComparableMetric;
}

/**
 * Follows the graph from a deploy.service node's model to the evaluator that judged it: an evaluate.score
 * node fed the same model output, and an evaluate.classification or evaluate.regression node fed that
 * score's `out` (the first such pair, in graph order). Answers why not, in words, when there is none or the
 * metric asked for is not one that evaluator gives.
 */
export function evaluationOf(
  graph: GraphNode[],
  deployNodeId: string,
  metric?: ComparableMetric,
): ModelEvaluation | { problem: string } {
  const deploy = graph.find((node) => node.id === deployNodeId);
  const model = deploy?.inputs.model;
  if (!model) return { problem: 'its model input is not connected' };
  const same = (a: { nodeId: string; port: string } | undefined, b: { nodeId: string; port: string }) =>
    a?.nodeId === b.nodeId && a.port === b.port;
  for (const score of graph) {
    if (score.type !== 'evaluate.score' || !same(score.inputs.model, model) || !score.inputs.in) continue;
    for (const evaluate of graph) {
      const metrics = EVALUATOR_METRICS[evaluate.type];
      if (!metrics || !same(evaluate.inputs.in, { nodeId: score.id, port: 'out' })) continue;
      if (metric && !metrics.includes(metric)) {
        return {
          problem: `${evaluate.type} node "${evaluate.id}" gives no "${metric}" (it gives ${metrics.join(', ')})`,
        };
      }
      return {
        model,
        scoreNode: score.id,
        rows: score.inputs.in,
        evaluateNode: evaluate.id,
        evaluateType: evaluate.type,
        metric: metric ?? metrics[0],
      };
    }
  }
  return {
    problem:
      `no evaluate.score node scores the model of "${model.nodeId}" with an evaluate.classification or ` +
      'evaluate.regression node after it: ifBetter compares models on the rows that evaluation saw',
  };
}

/** What comparing a challenger with the serving version on the same rows came to. */
export interface Comparison {
  metric: ComparableMetric;
  minGain: number;
  challenger: number;
  champion: { version: number; value: number };
  rows: number;
  evaluatedBy: string;
  /** The challenger's improvement in the metric's better direction (negative: worse). */
  gain: number;
  wins: boolean;
}

/**
 * The challenger wins when it is better than the serving version by at least `minGain` (in the metric's own
 * units, in its better direction) and better at all: a tie, or the same model again, does not replace it.
 */
export function compareFigures(input: Omit<Comparison, 'gain' | 'wins'>): Comparison {
  const { metric, minGain, challenger, champion } = input;
  const gain = lowerIsBetter(metric) ? champion.value - challenger : challenger - champion.value;
  // Figures from the same rows that differ only in floating-point noise are a tie.
  const wins = gain > 1e-12 && gain >= minGain - 1e-12;
  return { ...input, gain, wins };
}

/** "accuracy 0.9825 against v2's 0.9737 on the 114 rows "metrics" scored: better by 0.0088 (at least 0.005 asked)" */
export function describeComparison(comparison: Comparison): string {
  const { metric, challenger, champion, rows, evaluatedBy, gain, minGain } = comparison;
  const figures = `${metric} ${format(challenger)} against v${champion.version}'s ${format(champion.value)} on the ${rows} rows "${evaluatedBy}" evaluated`;
  const asked = minGain > 0 ? ` (at least ${format(minGain)} asked)` : '';
  if (comparison.wins) return `${figures}: better by ${format(gain)}${asked}`;
  if (gain > 1e-12) return `${figures}: better by only ${format(gain)}${asked}`;
  if (gain < -1e-12) return `${figures}: worse by ${format(-gain)}`;
  return `${figures}: no better`;
}

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}
