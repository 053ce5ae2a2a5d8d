import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import { create } from 'zustand';
import { pipelineNodeSchema, type AnyNodeDefinition } from '@pipewright/nodes';
import type { StoredPipeline } from '../api/pipelines';
import { pinnedType } from '../catalog/node-catalog';
import { nextNodeId } from './node-ids';
import {
  edgeId,
  makeEdge,
  outputPortType,
  pipelineToDocument,
  type PipelineDocument,
  type PipelineFlowEdge,
  type PipelineFlowNode,
} from './pipeline-mapping';

/** What undo and redo restore: the document, never the view or the server's state. */
type DocumentSnapshot = PipelineDocument;

const HISTORY_LIMIT = 100;
/** Edits with the same key within this window (typing in one field, one drag) are one undo step. */
const COALESCE_MS = 1500;

export interface DocumentState extends PipelineDocument {
  pipelineId: string | null;
  version: number | null;
  updatedAt: string | null;
  /** Bumped each time a pipeline is opened (not when it is saved): the canvas starts afresh for each. */
  session: number;
  /** Bumped by every change to the document; `savedRevision` is the one last saved. */
  editRevision: number;
  savedRevision: number;
  /** Bumped by changes that can change validation (not by moving nodes). */
  contentRevision: number;
  past: DocumentSnapshot[];
  future: DocumentSnapshot[];
  lastRecordKey: string | null;
  lastRecordAt: number;
  dragging: boolean;

  onNodesChange(changes: NodeChange<PipelineFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<PipelineFlowEdge>[]): void;
  onConnect(connection: Connection): void;
  addNode(definition: AnyNodeDefinition, position: XYPosition): string;
  removeNode(nodeId: string): void;
  /** Gives a node a new id, rewiring its edges; answers why not when the id is taken or malformed. */
  renameNode(nodeId: string, newId: string): string | null;
  setParam(nodeId: string, name: string, value: unknown): void;
  setName(name: string): void;
  setDescription(description: string): void;
  selectNode(nodeId: string | null): void;
  loadPipeline(stored: StoredPipeline | null): void;
  markSaved(stored: StoredPipeline, savedRevision: number): void;
  undo(): void;
  redo(): void;
}

const emptyDocument = (): PipelineDocument => ({
  name: 'Untitled pipeline',
  description: undefined,
  params: {},
  nodes: [],
  edges: [],
});

function snapshotOf(state: PipelineDocument): DocumentSnapshot {
  return {
    name: state.name,
    description: state.description,
    params: state.params,
    nodes: state.nodes.map((node) => ({ ...node, selected: false, dragging: false })),
    edges: state.edges.map((edge) => ({ ...edge, selected: false })),
  };
}

export const useDocumentStore = create<DocumentState>()((set, get) => {
  /** Remembers the document before an edit, so undo can bring it back. */
  const record = (key: string | null) => {
    const state = get();
    const now = Date.now();
    if (key !== null && key === state.lastRecordKey && now - state.lastRecordAt < COALESCE_MS) {
      set({ lastRecordAt: now });
      return;
    }
    set({
      past: [...state.past.slice(-(HISTORY_LIMIT - 1)), snapshotOf(state)],
      future: [],
      lastRecordKey: key,
      lastRecordAt: now,
    });
  };

  const restore = (snapshot: DocumentSnapshot): Partial<DocumentState> => {
    const selected = new Set(
      get()
        .nodes.filter((node) => node.selected)
        .map((node) => node.id),
    );
    const state = get();
    return {
      ...snapshot,
      nodes: snapshot.nodes.map((node) => ({ ...node, selected: selected.has(node.id) })),
      editRevision: state.editRevision + 1,
      contentRevision: state.contentRevision + 1,
      lastRecordKey: null,
    };
  };

  return {
    ...emptyDocument(),
    pipelineId: null,
    version: null,
    updatedAt: null,
    session: 0,
    editRevision: 0,
    savedRevision: 0,
    contentRevision: 0,
    past: [],
    future: [],
    lastRecordKey: null,
    lastRecordAt: 0,
    dragging: false,

    onNodesChange(changes) {
      const state = get();
      const moves = changes.filter((change) => change.type === 'position');
      const edits = changes.filter(
        (change) => change.type === 'remove' || change.type === 'add' || change.type === 'replace',
      );
      let dragging = state.dragging;
      if (moves.some((change) => change.type === 'position' && change.dragging) && !dragging) {
        record(null);
        dragging = true;
      }
      if (moves.some((change) => change.type === 'position' && !change.dragging)) dragging = false;
      if (edits.length) record('remove');
      const changed = moves.length > 0 || edits.length > 0;
      set({
        nodes: applyNodeChanges(changes, get().nodes),
        dragging,
        editRevision: changed ? state.editRevision + 1 : state.editRevision,
        contentRevision: edits.length ? state.contentRevision + 1 : state.contentRevision,
      });
    },

    onEdgesChange(changes) {
      const state = get();
      const edits = changes.some((change) => change.type !== 'select');
      if (edits) record('remove');
      set({
        edges: applyEdgeChanges(changes, state.edges),
        editRevision: edits ? state.editRevision + 1 : state.editRevision,
        contentRevision: edits ? state.contentRevision + 1 : state.contentRevision,
      });
    },

    onConnect(connection) {
      if (!connection.sourceHandle || !connection.targetHandle) return;
      record(null);
      const state = get();
      const port = { ...connection, sourceHandle: connection.sourceHandle, targetHandle: connection.targetHandle };
      // An input takes one connection: a new one replaces the old.
      const others = state.edges.filter(
        (edge) => !(edge.target === connection.target && edge.targetHandle === connection.targetHandle),
      );
      const edge = makeEdge(port, outputPortType(state.nodes, connection.source, connection.sourceHandle));
      set({
        edges: addEdge(edge, others),
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
    },

    addNode(definition, position) {
      record(null);
      const state = get();
      const id = nextNodeId(
        definition.type,
        state.nodes.map((node) => node.id),
      );
      const node: PipelineFlowNode = {
        id,
        type: 'pipeline',
        position,
        selected: true,
        data: { type: pinnedType(definition), params: {} },
      };
      set({
        nodes: [...state.nodes.map((other) => (other.selected ? { ...other, selected: false } : other)), node],
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
      return id;
    },

    removeNode(nodeId) {
      record(null);
      const state = get();
      set({
        nodes: state.nodes.filter((node) => node.id !== nodeId),
        edges: state.edges.filter((edge) => edge.source !== nodeId && edge.target !== nodeId),
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
    },

    renameNode(nodeId, newId) {
      if (newId === nodeId) return null;
      const checked = pipelineNodeSchema.shape.id.safeParse(newId);
      if (!checked.success) return checked.error.issues[0]?.message ?? 'not a valid id';
      const state = get();
      if (state.nodes.some((node) => node.id === newId)) return `another node is already called "${newId}"`;
      record(null);
      const rename = (id: string) => (id === nodeId ? newId : id);
      set({
        nodes: state.nodes.map((node) => (node.id === nodeId ? { ...node, id: newId } : node)),
        edges: state.edges.map((edge) => {
          if (edge.source !== nodeId && edge.target !== nodeId) return edge;
          const connection = {
            source: rename(edge.source),
            sourceHandle: edge.sourceHandle ?? '',
            target: rename(edge.target),
            targetHandle: edge.targetHandle ?? '',
          };
          return { ...edge, ...connection, id: edgeId(connection) };
        }),
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
      return null;
    },

    setParam(nodeId, name, value) {
      record(`param:${nodeId}:${name}`);
      const state = get();
      set({
        nodes: state.nodes.map((node) => {
          if (node.id !== nodeId) return node;
          const params = { ...node.data.params };
          if (value === undefined) delete params[name];
          else params[name] = value;
          return { ...node, data: { ...node.data, params } };
        }),
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
    },

    setName(name) {
      record('name');
      set((state) => ({ name, editRevision: state.editRevision + 1, contentRevision: state.contentRevision + 1 }));
    },

    setDescription(description) {
      record('description');
      set((state) => ({
        description: description || undefined,
        editRevision: state.editRevision + 1,
      }));
    },

    selectNode(nodeId) {
      set((state) => ({
        nodes: state.nodes.map((node) =>
          node.selected === (node.id === nodeId) ? node : { ...node, selected: node.id === nodeId },
        ),
        edges: state.edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)),
      }));
    },

    loadPipeline(stored) {
      set({
        ...(stored ? pipelineToDocument(stored) : emptyDocument()),
        pipelineId: stored?.id ?? null,
        version: stored?.version ?? null,
        updatedAt: stored?.updatedAt ?? null,
        session: get().session + 1,
        editRevision: 0,
        savedRevision: 0,
        contentRevision: get().contentRevision + 1,
        past: [],
        future: [],
        lastRecordKey: null,
        lastRecordAt: 0,
        dragging: false,
      });
    },

    markSaved(stored, savedRevision) {
      set({ pipelineId: stored.id, version: stored.version, updatedAt: stored.updatedAt, savedRevision });
    },

    undo() {
      const state = get();
      const previous = state.past.at(-1);
      if (!previous) return;
      set({ ...restore(previous), past: state.past.slice(0, -1), future: [snapshotOf(state), ...state.future] });
    },

    redo() {
      const state = get();
      const next = state.future[0];
      if (!next) return;
      set({ ...restore(next), past: [...state.past, snapshotOf(state)], future: state.future.slice(1) });
    },
  };
});

/** The document as it is now, in the shape the pipeline file mapping takes. */
export function currentDocument(): PipelineDocument {
  const { name, description, params, nodes, edges } = useDocumentStore.getState();
  return { name, description, params, nodes, edges };
}

export const selectIsDirty = (state: DocumentState) =>
  state.editRevision !== state.savedRevision || state.pipelineId === null;
