import { splitTypeVersion } from '@pipewright/nodes/descriptions';
import { findDefinition, pinnedType } from '../catalog/node-catalog';
import { nextNodeId } from './node-ids';
import {
  makeEdge,
  outputPortType,
  type PipelineDocument,
  type PipelineFlowEdge,
  type PipelineFlowNode,
  type PortConnection,
} from './pipeline-mapping';

/** A fitted node that learns from rows a split later withholds to test the model. */
export interface Leak {
  nodeId: string;
  /** The split it feeds. */
  splitId: string;
  /** What the user reads on the node and in the inspector. */
  text: string;
}

const SPLIT = 'split.random';
/** How far right a moved node goes, and how far the split's followers move to make room: one layout column. */
const COLUMN = 280;
const ROW = 190;

const baseType = (node: PipelineFlowNode) => splitTypeVersion(node.data.type).type;

/** A node that learns parameters from its input (it gives a `transform`): clean.missing, clean.outliers, feature.*. */
export function isFitted(node: PipelineFlowNode): boolean {
  return !!findDefinition(node.data.type)?.outputs.some((port) => port.type === 'transform');
}

/** The first split reached downstream of `nodeId`, walking the edges breadth first. */
function splitDownstream(nodes: PipelineFlowNode[], edges: PipelineFlowEdge[], nodeId: string): string | undefined {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const seen = new Set([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of edges.filter((candidate) => candidate.source === id)) {
        if (seen.has(edge.target)) continue;
        seen.add(edge.target);
        const target = byId.get(edge.target);
        if (target && baseType(target) === SPLIT) return target.id;
        next.push(edge.target);
      }
    }
    frontier = next;
  }
  return undefined;
}

/**
 * Fitted nodes placed before a split: they learn their fill values, scales or categories from every row,
 * the rows that will test the model included, so the test figures flatter the model.
 */
export function findLeaks(nodes: PipelineFlowNode[], edges: PipelineFlowEdge[]): Leak[] {
  return nodes.filter(isFitted).flatMap((node) => {
    const splitId = splitDownstream(nodes, edges, node.id);
    if (!splitId) return [];
    const title = findDefinition(node.data.type)?.title ?? node.data.type;
    return [
      {
        nodeId: node.id,
        splitId,
        text:
          `${title} learns from every row before the split “${splitId}”, the test rows included: ` +
          'the evaluation then scores the model on rows it has already seen through this step. ' +
          'Fit it on the train side and apply it to the test side.',
      },
    ];
  });
}

const connection = (source: string, sourceHandle: string, target: string, targetHandle: string): PortConnection => ({
  source,
  sourceHandle,
  target,
  targetHandle,
});

/**
 * The one-click fix of a leak: takes the fitted node out of its place before the split (its input now feeds
 * what it fed), puts it on the split's train side (before what the train side fed), and adds a transform.apply
 * that applies what it learned to the test side (before what the test side fed). The split's followers move
 * one column right to make room. Answers the new document's nodes and edges, and the apply node's id.
 */
export function moveAfterSplit(
  document: Pick<PipelineDocument, 'nodes' | 'edges'>,
  leak: Pick<Leak, 'nodeId' | 'splitId'>,
): { nodes: PipelineFlowNode[]; edges: PipelineFlowEdge[]; applyId: string } {
  const { nodeId, splitId } = leak;
  const { nodes } = document;
  const split = nodes.find((node) => node.id === splitId)!;
  const incoming = document.edges.find((edge) => edge.target === nodeId && edge.targetHandle === 'in');
  const outgoing = document.edges.filter((edge) => edge.source === nodeId && edge.sourceHandle === 'out');
  const fromSplit = (port: string) =>
    document.edges.filter((edge) => edge.source === splitId && edge.sourceHandle === port);
  const trainSide = fromSplit('train');
  const testSide = fromSplit('test');
  const dropped = new Set([incoming, ...outgoing, ...trainSide, ...testSide].filter(Boolean));

  const applyDefinition = findDefinition('transform.apply')!;
  const applyId = nextNodeId(
    'transform.apply',
    nodes.map((node) => node.id),
  );
  const added: PortConnection[] = [
    // What fed the fitted node now feeds what it fed.
    ...(incoming
      ? outgoing.map((edge) => connection(incoming.source, incoming.sourceHandle!, edge.target, edge.targetHandle!))
      : []),
    connection(splitId, 'train', nodeId, 'in'),
    ...trainSide.map((edge) => connection(nodeId, 'out', edge.target, edge.targetHandle!)),
    connection(nodeId, 'transform', applyId, 'transform'),
    connection(splitId, 'test', applyId, 'in'),
    ...testSide.map((edge) => connection(applyId, 'out', edge.target, edge.targetHandle!)),
  ];

  // Everything after the split moves one column right; the two nodes take the column freed.
  const after = new Set<string>();
  let frontier = [splitId];
  while (frontier.length) {
    frontier = document.edges
      .filter((edge) => frontier.includes(edge.source) && edge.target !== nodeId && !after.has(edge.target))
      .map((edge) => edge.target);
    frontier.forEach((id) => after.add(id));
  }
  const apply: PipelineFlowNode = {
    id: applyId,
    type: 'pipeline',
    position: { x: split.position.x + COLUMN, y: split.position.y + ROW },
    data: { type: pinnedType(applyDefinition), params: {} },
  };
  const moved = nodes.map((node) =>
    node.id === nodeId
      ? { ...node, position: { x: split.position.x + COLUMN, y: split.position.y } }
      : after.has(node.id)
        ? { ...node, position: { x: node.position.x + COLUMN, y: node.position.y } }
        : node,
  );
  const withApply = [...moved, apply];
  const edges = [
    ...document.edges.filter((edge) => !dropped.has(edge)),
    ...added.map((port) => makeEdge(port, outputPortType(withApply, port.source, port.sourceHandle))),
  ];
  return { nodes: withApply, edges, applyId };
}

let cached: { edges: PipelineFlowEdge[]; revision: number; leaks: Leak[] } | undefined;

/**
 * The leaks of the document in the store, computed once per edit rather than once per node drawn: nodes
 * moving (their positions) cannot make or mend a leak, only content edits can.
 */
export function leaksOf(state: Pick<PipelineDocument, 'nodes' | 'edges'> & { contentRevision: number }): Leak[] {
  if (cached?.edges !== state.edges || cached.revision !== state.contentRevision)
    cached = { edges: state.edges, revision: state.contentRevision, leaks: findLeaks(state.nodes, state.edges) };
  return cached.leaks;
}
