import type { NodeContext, NodeDefinition } from './define-node.js';
import { transformSql } from './transforms.js';
import type { FittedTransform, TableRef, TransformStep, TransformValue } from './values.js';

/** The ports of a node that fits a transform: a table in, and writeFittedOutputs' two outputs. */
export const fittedNodePorts: Pick<NodeDefinition, 'inputs' | 'outputs'> = {
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [
    { name: 'out', type: 'table' },
    { name: 'transform', type: 'transform' },
  ],
};

/**
 * The two outputs of a node that fits a transform: its input with the fitted
 * steps applied as while fitting (so rows may drop), and the fitted transform
 * itself, which carries the steps to test rows and live requests.
 */
export async function writeFittedOutputs(
  ctx: NodeContext,
  input: TableRef,
  nodeType: string,
  steps: TransformStep[],
): Promise<{ out: TableRef; transform: TransformValue }> {
  const fitted: FittedTransform = { id: ctx.jobKey, nodeId: ctx.nodeId, nodeType, steps };
  const out = await ctx.sql.writeTable('out', transformSql(steps, ctx.sql.from(input), input.columns, 'fit'), {
    transforms: [...input.transforms, fitted],
    // Fitted steps are defined for every value: a fused unit may compute them where they are read.
    lazy: true,
  });
  return { out, transform: { kind: 'transform', key: `${ctx.jobKey}:transform`, transform: fitted } };
}
