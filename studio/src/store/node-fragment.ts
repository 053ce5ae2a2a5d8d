import type { XYPosition } from '@xyflow/react';
import { nextNodeId } from './node-ids';
import { edgeId, type PipelineFlowEdge, type PipelineFlowNode } from './pipeline-mapping';

/** Nodes and the edges between them: what copy takes and paste gives back. */
export interface NodeFragment {
  nodes: PipelineFlowNode[];
  edges: PipelineFlowEdge[];
}

/** The selected nodes with the edges that run between two of them (an edge to an unselected node stays behind). */
export function selectedFragment(nodes: PipelineFlowNode[], edges: PipelineFlowEdge[]): NodeFragment {
  const picked = nodes.filter((node) => node.selected);
  const ids = new Set(picked.map((node) => node.id));
  return {
    nodes: picked.map((node) => structuredClone({ ...node, selected: false, dragging: false })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({ ...edge, selected: false })),
  };
}

/**
 * The fragment as new nodes beside `taken`: fresh readable ids, edges
 * rewired to them, moved by `offset`, and selected (so a paste can be dragged).
 */
export function copyOfFragment(fragment: NodeFragment, taken: string[], offset: XYPosition): NodeFragment {
  const used = [...taken];
  const renamed = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = nextNodeId(node.data.type, used);
    used.push(id);
    renamed.set(node.id, id);
  }
  const nodes = fragment.nodes.map((node) => ({
    ...structuredClone(node),
    id: renamed.get(node.id) ?? node.id,
    position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    selected: true,
  }));
  const edges = fragment.edges.map((edge) => {
    const moved = {
      source: renamed.get(edge.source) ?? edge.source,
      sourceHandle: edge.sourceHandle ?? '',
      target: renamed.get(edge.target) ?? edge.target,
      targetHandle: edge.targetHandle ?? '',
    };
    return { ...edge, ...moved, id: edgeId(moved), selected: false };
  });
  return { nodes, edges };
}
