import { useCallback, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type FinalConnectionState,
  type IsValidConnection,
  type OnConnectEnd,
} from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { CATEGORY_COLORS, findDefinition } from '../catalog/node-catalog';
import { useDocumentStore, type DocumentState } from '../store/document-store';
import type { PipelineFlowNode } from '../store/pipeline-mapping';
import { useViewStore } from '../store/view-store';
import { ConnectionHint, proposedConnection } from './ConnectionHint';
import { checkConnection } from './connection-rules';
import { centredUnderPointer, NODE_DRAG_TYPE } from './node-placement';
import { NoticeBanner } from './NoticeBanner';
import { PipelineNode } from './PipelineNode';
import { ReadOnlyBanner } from './ReadOnlyBanner';
import { RunStatusBar } from './RunStatusBar';

const nodeTypes = { pipeline: PipelineNode };

const selectFlow = (state: DocumentState) => ({
  nodes: state.nodes,
  edges: state.edges,
  onNodesChange: state.onNodesChange,
  onEdgesChange: state.onEdgesChange,
  onConnect: state.onConnect,
});

const isValidConnection: IsValidConnection = (connection) => {
  const { nodes, edges } = useDocumentStore.getState();
  return checkConnection(connection, nodes, edges).ok;
};

function refusalOf(state: FinalConnectionState): string | null {
  if (state.isValid !== false || !state.fromHandle || !state.toHandle) return null;
  const { nodes, edges } = useDocumentStore.getState();
  const check = checkConnection(proposedConnection(state.fromHandle, state.toHandle), nodes, edges);
  return check.ok ? null : check.reason;
}

function minimapColor(node: PipelineFlowNode): string {
  const definition = findDefinition(node.data.type);
  return definition ? CATEGORY_COLORS[definition.category] : '#94a3b8';
}

const LEGIBLE_NODES = 60;
/** From this many nodes the canvas renders only what is in view and paints less (see canvas.css). */
const LARGE_CANVAS = 200;

/** The nodes nearest the top-left corner, when there are more than fit legibly; otherwise all. */
function cornerNodes(nodes: PipelineFlowNode[]): { id: string }[] | undefined {
  if (nodes.length <= LEGIBLE_NODES) return undefined;
  return [...nodes]
    .sort((a, b) => a.position.x + a.position.y - (b.position.x + b.position.y))
    .slice(0, LEGIBLE_NODES)
    .map((node) => ({ id: node.id }));
}

export function PipelineCanvas() {
  const { nodes, edges, onNodesChange, onEdgesChange, onConnect } = useDocumentStore(useShallow(selectFlow));
  const readOnly = useDocumentStore((state) => state.readOnlyVersion !== null);
  const { screenToFlowPosition } = useReactFlow();
  // Fit an opened pipeline into view once. An empty canvas keeps zoom 1 and
  // does not jump to centre the first node the user drops.
  const [fitOpenedPipeline] = useState(() => useDocumentStore.getState().nodes.length > 0);
  // A big pipeline does not fit legibly: it opens on its top-left corner, where its sources are.
  const [fitViewOptions] = useState(() => ({
    padding: 0.2,
    maxZoom: 1,
    nodes: cornerNodes(useDocumentStore.getState().nodes),
  }));

  const onConnectEnd: OnConnectEnd = useCallback((_event, state) => {
    const reason = refusalOf(state);
    if (reason) useViewStore.getState().showNotice({ tone: 'error', title: 'Connection refused', message: reason });
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_TYPE);
      const definition = type && findDefinition(type);
      if (!definition) return;
      event.preventDefault();
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useDocumentStore.getState().addNode(definition, centredUnderPointer(point));
    },
    [screenToFlowPosition],
  );

  return (
    <div
      className={`pw-canvas${nodes.length > LARGE_CANVAS ? ' pw-canvas--large' : ''}`}
      data-testid="canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<PipelineFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        fitView={fitOpenedPipeline}
        fitViewOptions={fitViewOptions}
        minZoom={0.2}
        maxZoom={2}
        deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        onlyRenderVisibleElements={nodes.length > LARGE_CANVAS}
        defaultEdgeOptions={{ interactionWidth: 16 }}
        attributionPosition="top-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
        <Controls position="bottom-left" showInteractive={false} />
        <MiniMap position="bottom-right" pannable zoomable nodeColor={minimapColor} nodeBorderRadius={6} />
        <ConnectionHint />
        <Panel position="top-center" className="pw-canvas__notice">
          <ReadOnlyBanner />
          <NoticeBanner />
        </Panel>
        <Panel position="bottom-center">
          <RunStatusBar />
        </Panel>
        {nodes.length === 0 && (
          <div className="pw-canvas__empty" data-testid="empty-canvas">
            <strong>Start with a data source</strong>
            <span>Drag a node from the palette onto the canvas, or double-click it.</span>
          </div>
        )}
      </ReactFlow>
    </div>
  );
}
