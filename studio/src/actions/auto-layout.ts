import type { XYPosition } from '@xyflow/react';
import { useDocumentStore } from '../store/document-store';
import { NODE_WIDTH } from '../canvas/node-placement';
import type { StudioAction } from './studio-action';

const FALLBACK_HEIGHT = 120;

/** Lays the pipeline out left to right with dagre, in one undo step. */
export async function autoLayout(): Promise<void> {
  const { default: dagre } = await import('@dagrejs/dagre');
  const { nodes, edges } = useDocumentStore.getState();
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, {
      width: node.measured?.width ?? NODE_WIDTH,
      height: node.measured?.height ?? FALLBACK_HEIGHT,
    });
  }
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const positions = new Map<string, XYPosition>();
  for (const node of nodes) {
    const laid = graph.node(node.id);
    // dagre gives centres; React Flow places by the top-left corner.
    positions.set(node.id, { x: Math.round(laid.x - laid.width / 2), y: Math.round(laid.y - laid.height / 2) });
  }
  useDocumentStore.getState().moveNodes(positions);
}

export const autoLayoutAction: StudioAction = {
  id: 'auto-layout',
  label: 'Auto-layout',
  shortcut: { key: 'l', mod: true, shift: true },
  perform: autoLayout,
};
