import { useCallback, useEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type FinalConnectionState,
  type IsValidConnection,
  type OnConnectEnd,
  type OnMoveStart,
  type ReactFlowState,
} from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { CATEGORY_COLORS, findDefinition } from '../catalog/node-catalog';
import { useDocumentStore, type DocumentState } from '../store/document-store';
import type { PipelineFlowNode } from '../store/pipeline-mapping';
import { useViewStore } from '../store/view-store';
import { ConnectionHint, proposedConnection } from './ConnectionHint';
import { checkConnection } from './connection-rules';
import { FIT_MARGIN, FOOT_OVERLAYS, LEGIBLE_ZOOM, overflowZoom } from './legible-fit';
import { centredUnderPointer, NODE_DRAG_TYPE } from './node-placement';
import { NoticeBanner } from './NoticeBanner';
import { PipelineEdge } from './PipelineEdge';
import { PipelineNode } from './PipelineNode';
import { ReadOnlyBanner } from './ReadOnlyBanner';
import { RunStatusBar } from './RunStatusBar';

const nodeTypes = { pipeline: PipelineNode };
const edgeTypes = { default: PipelineEdge };

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

/**
 * Fits the pipeline into the canvas between the palette and the inspector, above the strip where the minimap and
 * run bar float, but never below a legible zoom: a pipeline too wide for that opens on its left (where its sources
 * are), its last visible node whole, and the user pans to the rest.
 */
function useLegibleFit(wrapper: RefObject<HTMLDivElement | null>) {
  const flow = useReactFlow<PipelineFlowNode>();
  return useCallback(() => {
    const element = wrapper.current;
    const nodes = flow.getNodes();
    if (!element || nodes.length === 0) return;
    const fitted = cornerNodes(nodes);
    const shown = fitted ? nodes.filter((node) => fitted.some((corner) => corner.id === node.id)) : nodes;
    const bounds = flow.getNodesBounds(shown);
    const width = element.clientWidth - FIT_MARGIN.left - FIT_MARGIN.right;
    const height = element.clientHeight - FIT_MARGIN.top - FOOT_OVERLAYS;
    const fitZoom = Math.min(width / bounds.width, height / bounds.height, 1);
    if (fitZoom >= LEGIBLE_ZOOM) {
      void flow.setViewport({
        zoom: fitZoom,
        x: FIT_MARGIN.left + (width - bounds.width * fitZoom) / 2 - bounds.x * fitZoom,
        y: FIT_MARGIN.top + (height - bounds.height * fitZoom) / 2 - bounds.y * fitZoom,
      });
      return;
    }
    const tooWide = bounds.width * LEGIBLE_ZOOM > width;
    const boxes = tooWide ? shown.map((node) => flow.getNodesBounds([node])) : [];
    const zoom = tooWide ? overflowZoom(boxes, bounds.x, element.clientWidth) : LEGIBLE_ZOOM;
    const fitsWidth = bounds.width * zoom <= width;
    const fitsHeight = bounds.height * zoom <= height;
    void flow.setViewport({
      zoom,
      x: fitsWidth
        ? FIT_MARGIN.left + (width - bounds.width * zoom) / 2 - bounds.x * zoom
        : FIT_MARGIN.left - bounds.x * zoom,
      y: fitsHeight
        ? FIT_MARGIN.top + (height - bounds.height * zoom) / 2 - bounds.y * zoom
        : FIT_MARGIN.top - bounds.y * zoom,
    });
  }, [flow, wrapper]);
}

/** The canvas's size and every node's measured size, as one string that changes when any of them does. */
const selectLayout = (state: ReactFlowState) => {
  let layout = `${state.width}x${state.height};`;
  for (const node of state.nodeLookup.values()) layout += `${node.id}:${node.measured.width}x${node.measured.height};`;
  return layout;
};

/**
 * Fits an opened pipeline once its nodes have their sizes (a fit before that would use none), and again while the
 * view settles: a node that grows when its last run's results arrive, or a window resized, would otherwise leave
 * nodes cut by the canvas's edge. The canvas unmounts this once the view is the user's (they press on the canvas,
 * move the view or edit the pipeline).
 */
function FitWhileSettling({ fit }: { fit: () => void }) {
  const initialised = useNodesInitialized();
  const layout = useStore(selectLayout);
  useEffect(() => {
    if (initialised) fit();
  }, [initialised, layout, fit]);
  return null;
}

export function PipelineCanvas() {
  const { nodes, edges, onNodesChange, onEdgesChange, onConnect } = useDocumentStore(useShallow(selectFlow));
  const readOnly = useDocumentStore((state) => state.readOnlyVersion !== null);
  const { screenToFlowPosition } = useReactFlow();
  // Fit an opened pipeline into view until the user takes the view over. An empty
  // canvas keeps zoom 1 and does not jump to centre the first node the user drops.
  const [settling, setSettling] = useState(() => useDocumentStore.getState().nodes.length > 0);
  const openedRevision = useRef(useDocumentStore.getState().editRevision);
  const edited = useDocumentStore((state) => state.editRevision !== openedRevision.current);
  const wrapper = useRef<HTMLDivElement>(null);
  const fitLegibly = useLegibleFit(wrapper);
  // A move the user makes has the pointer or wheel event behind it; the fit's own has none. A press anywhere on
  // the canvas (a node, the minimap) ends settling too.
  const onMoveStart: OnMoveStart = useCallback((event) => {
    if (event) setSettling(false);
  }, []);

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
      ref={wrapper}
      className={`pw-canvas${nodes.length > LARGE_CANVAS ? ' pw-canvas--large' : ''}`}
      data-testid="canvas"
      onPointerDownCapture={() => setSettling(false)}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<PipelineFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onMoveStart={onMoveStart}
        isValidConnection={isValidConnection}
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
        <Controls position="bottom-left" showInteractive={false} showFitView={false}>
          <ControlButton
            className="react-flow__controls-fitview"
            onClick={fitLegibly}
            title="Fit view"
            aria-label="Fit view"
          >
            <svg viewBox="0 0 32 30" aria-hidden>
              <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
            </svg>
          </ControlButton>
        </Controls>
        {settling && !edited && <FitWhileSettling fit={fitLegibly} />}
        <MiniMap position="bottom-right" pannable zoomable nodeColor={minimapColor} nodeBorderRadius={6} />
        <ConnectionHint />
        <Panel position="top-center" className="pw-canvas__notice">
          <ReadOnlyBanner />
          <NoticeBanner />
        </Panel>
        <Panel position="bottom-center" className="pw-canvas__runbar">
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
