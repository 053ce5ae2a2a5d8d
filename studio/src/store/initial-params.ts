import { EVALUATOR_METRICS, splitTypeVersion } from '@pipewright/nodes/descriptions';

/**
 * The params a node dropped on the canvas starts with: none (its schema's defaults), except a deploy node in a
 * pipeline that evaluates its models, which starts as champion–challenger on that evaluation's headline
 * metric — a new version then serves only when it beats the one serving.
 */
export function initialParams(type: string, pipelineTypes: string[]): Record<string, unknown> {
  if (type !== 'deploy.service') return {};
  const evaluator = pipelineTypes.map((t) => splitTypeVersion(t).type).find((t) => t in EVALUATOR_METRICS);
  return evaluator ? { policy: 'ifBetter', metric: EVALUATOR_METRICS[evaluator][0] } : {};
}
