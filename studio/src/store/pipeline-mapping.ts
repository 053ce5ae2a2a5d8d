import type { Edge, Node } from '@xyflow/react';
import {
  PIPELINE_FORMAT,
  splitEndpoint,
  type PipelineFile,
  type PipelineParamInfo,
  type PortType,
} from '@pipewright/nodes/descriptions';
import { findDefinition } from '../catalog/node-catalog';

/** What a canvas node holds of the pipeline file: everything but id and position. */
export type PipelineNodeData = {
  type: string;
  params: Record<string, unknown>;
  label?: string;
  notes?: string;
};

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;
export type PipelineFlowEdge = Edge;

export interface PipelineDocument {
  name: string;
  description?: string;
  params: Record<string, unknown>;
  /** The type and description of pipeline params, where someone gave them. */
  paramInfo: Record<string, PipelineParamInfo>;
  nodes: PipelineFlowNode[];
  edges: PipelineFlowEdge[];
}

export interface PortConnection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export function edgeId(connection: PortConnection): string {
  return `${connection.source}.${connection.sourceHandle}->${connection.target}.${connection.targetHandle}`;
}

/** The type of the output port an edge leaves from, which colours the edge. */
export function outputPortType(nodes: PipelineFlowNode[], nodeId: string, port: string): PortType | undefined {
  const node = nodes.find((candidate) => candidate.id === nodeId);
  const definition = node && findDefinition(node.data.type);
  return definition?.outputs.find((output) => output.name === port)?.type;
}

export function makeEdge(connection: PortConnection, portType: PortType | undefined): PipelineFlowEdge {
  return {
    id: edgeId(connection),
    source: connection.source,
    sourceHandle: connection.sourceHandle,
    target: connection.target,
    targetHandle: connection.targetHandle,
    className: portType ? `edge-${portType}` : undefined,
  };
}

export function pipelineToDocument(file: PipelineFile): PipelineDocument {
  const nodes: PipelineFlowNode[] = file.nodes.map((node) => ({
    id: node.id,
    type: 'pipeline',
    position: { ...node.position },
    data: {
      type: node.type,
      params: { ...node.params },
      ...(node.label !== undefined && { label: node.label }),
      ...(node.notes !== undefined && { notes: node.notes }),
    },
  }));
  const edges = file.edges.map((edge) => {
    const from = splitEndpoint(edge.from);
    const to = splitEndpoint(edge.to);
    const connection = { source: from.nodeId, sourceHandle: from.port, target: to.nodeId, targetHandle: to.port };
    return makeEdge(connection, outputPortType(nodes, from.nodeId, from.port));
  });
  return {
    name: file.name,
    description: file.description,
    params: { ...file.params },
    paramInfo: { ...file.paramInfo },
    nodes,
    edges,
  };
}

/** The pipeline file (`pipewright/v1`) a document saves as: the same file export and the CLI use. */
export function documentToPipeline(document: PipelineDocument): PipelineFile {
  return {
    format: PIPELINE_FORMAT,
    name: document.name.trim() || 'Untitled pipeline',
    ...(document.description ? { description: document.description } : {}),
    params: document.params,
    ...(Object.keys(document.paramInfo).length > 0 && { paramInfo: document.paramInfo }),
    nodes: document.nodes.map((node) => ({
      id: node.id,
      type: node.data.type,
      params: node.data.params,
      position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
      ...(node.data.label !== undefined && { label: node.data.label }),
      ...(node.data.notes !== undefined && { notes: node.data.notes }),
    })),
    edges: document.edges.map((edge) => ({
      from: `${edge.source}.${edge.sourceHandle}`,
      to: `${edge.target}.${edge.targetHandle}`,
    })),
  };
}
