import { canConnect, type ConnectionCheck } from '@pipewright/nodes/descriptions';
import { findDefinition } from '../catalog/node-catalog';
import type { PipelineFlowEdge, PipelineFlowNode } from '../store/pipeline-mapping';

export interface ProposedConnection {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/**
 * May this connection be drawn, and if not, why. Port compatibility is the
 * catalog's own `canConnect`, the rule the compiler applies too; the studio
 * adds only what a drawing can get wrong on its own: a loop.
 */
export function checkConnection(
  connection: ProposedConnection,
  nodes: PipelineFlowNode[],
  edges: PipelineFlowEdge[],
): ConnectionCheck {
  const sourceNode = nodes.find((node) => node.id === connection.source);
  const targetNode = nodes.find((node) => node.id === connection.target);
  const sourceDefinition = sourceNode && findDefinition(sourceNode.data.type);
  const targetDefinition = targetNode && findDefinition(targetNode.data.type);
  const fromPort = sourceDefinition?.outputs.find((port) => port.name === connection.sourceHandle);
  const toPort = targetDefinition?.inputs.find((port) => port.name === connection.targetHandle);
  if (!fromPort || !toPort) {
    return { ok: false, reason: 'connect an output port (right side) to an input port (left side)' };
  }
  const check = canConnect({ nodeId: connection.source, port: fromPort }, { nodeId: connection.target, port: toPort });
  if (!check.ok) return check;
  const loop = pathBetween(connection.target, connection.source, edges);
  if (loop) {
    return { ok: false, reason: `that would make a loop: ${[connection.source, ...loop].join(' → ')}` };
  }
  return { ok: true };
}

/** Node ids on a path from `start` to `goal` along edges, or undefined when there is none. */
function pathBetween(start: string, goal: string, edges: PipelineFlowEdge[]): string[] | undefined {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const current = queue.shift() as string;
    if (current === goal) {
      const path: string[] = [];
      for (let at: string | null = current; at !== null; at = previous.get(at) ?? null) path.unshift(at);
      return path;
    }
    for (const edge of edges) {
      if (edge.source === current && !previous.has(edge.target)) {
        previous.set(edge.target, current);
        queue.push(edge.target);
      }
    }
  }
  return undefined;
}
