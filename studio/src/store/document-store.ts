import { moveAfterSplit, type Leak } from './leakage';
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
import { pipelineNodeSchema, type AnyNodeDefinition, type PipelineParamInfo } from '@pipewright/nodes';
import type { StoredPipeline } from '../api/pipelines';
import { initialParams } from './initial-params';
import { pinnedType } from '../catalog/node-catalog';
import { nextNodeId } from './node-ids';
import { copyOfFragment, type NodeFragment } from './node-fragment';
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
  /** An old version opened to look at: the canvas shows it and refuses edits until the latest is back. */
  readOnlyVersion: number | null;

  onNodesChange(changes: NodeChange<PipelineFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<PipelineFlowEdge>[]): void;
  onConnect(connection: Connection): void;
  addNode(definition: AnyNodeDefinition, position: XYPosition): string;
  removeNode(nodeId: string): void;
  /** Gives a node a new id, rewiring its edges; answers why not when the id is taken or malformed. */
  renameNode(nodeId: string, newId: string): string | null;
  setParam(nodeId: string, name: string, value: unknown): void;
  /** Sets a node's display name (`label`) or `notes`; an empty text removes the field from the file. */
  setNodeText(nodeId: string, field: 'label' | 'notes', text: string): void;
  setName(name: string): void;
  /** Sets (or with `undefined`, removes) a pipeline param that nodes may bind with `{ "$param": name }`. */
  setPipelineParam(name: string, value: unknown): void;
  /** Makes a pipeline param with its type and description and binds a node's param to it, in one undo step. */
  addPipelineParam(
    param: { name: string; value: unknown; info: PipelineParamInfo },
    bind?: { nodeId: string; name: string },
  ): void;
  setDescription(description: string): void;
  selectNode(nodeId: string | null): void;
  loadPipeline(stored: StoredPipeline | null, options?: { readOnly?: boolean }): void;
  markSaved(stored: StoredPipeline, savedRevision: number): void;
  /** Adds a copy of the fragment, moved by `offset`, as the new selection; answers the new ids. */
  pasteFragment(fragment: NodeFragment, offset: XYPosition): string[];
  /** Deletes the selected nodes (with their edges) and the selected edges. */
  deleteSelection(): void;
  selectAll(): void;
  /** Moves nodes to new positions in one undo step (auto-layout). */
  moveNodes(positions: Map<string, XYPosition>): void;
  /** Mends a leak in one undo step: the fitted node moves to the split's train side, a transform.apply to its test side. */
  fixLeak(leak: Pick<Leak, 'nodeId' | 'splitId'>): void;
  undo(): void;
  redo(): void;
}

const emptyDocument = (): PipelineDocument => ({
  name: 'Untitled pipeline',
  description: undefined,
  params: {},
  paramInfo: {},
  nodes: [],
  edges: [],
});

function snapshotOf(state: PipelineDocument): DocumentSnapshot {
  return {
    name: state.name,
    description: state.description,
    params: state.params,
    paramInfo: state.paramInfo,
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
    readOnlyVersion: null,

    onNodesChange(changes) {
      const state = get();
      if (state.readOnlyVersion !== null) {
        // Selecting still works in an old version; moving and deleting do not.
        const selections = changes.filter((change) => change.type === 'select' || change.type === 'dimensions');
        set({ nodes: applyNodeChanges(selections, state.nodes) });
        return;
      }
      const moves = changes.filter((change) => change.type === 'position');
      // React Flow also reports the position of a node clicked but not moved: that is no edit.
      const moved = moves.some((change) => {
        const node = state.nodes.find((candidate) => candidate.id === change.id);
        return (
          !node || !change.position || change.position.x !== node.position.x || change.position.y !== node.position.y
        );
      });
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
      const changed = moved || edits.length > 0;
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
      if (edits && state.readOnlyVersion !== null) return;
      if (edits) record('remove');
      set({
        edges: applyEdgeChanges(changes, state.edges),
        editRevision: edits ? state.editRevision + 1 : state.editRevision,
        contentRevision: edits ? state.contentRevision + 1 : state.contentRevision,
      });
    },

    onConnect(connection) {
      if (!connection.sourceHandle || !connection.targetHandle || get().readOnlyVersion !== null) return;
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
      if (get().readOnlyVersion !== null) return '';
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
        data: {
          type: pinnedType(definition),
          params: initialParams(
            definition.type,
            state.nodes.map((other) => other.data.type),
          ),
        },
      };
      set({
        nodes: [...state.nodes.map((other) => (other.selected ? { ...other, selected: false } : other)), node],
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
      return id;
    },

    removeNode(nodeId) {
      if (get().readOnlyVersion !== null) return;
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
      if (get().readOnlyVersion !== null) return 'an old version is open read-only';
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
      if (get().readOnlyVersion !== null) return;
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

    setNodeText(nodeId, field, text) {
      if (get().readOnlyVersion !== null) return;
      record(`${field}:${nodeId}`);
      const state = get();
      set({
        nodes: state.nodes.map((node) => {
          if (node.id !== nodeId) return node;
          const data = { ...node.data };
          if (text) data[field] = text;
          else delete data[field];
          return { ...node, data };
        }),
        editRevision: state.editRevision + 1,
      });
    },

    setPipelineParam(name, value) {
      if (get().readOnlyVersion !== null) return;
      record(`pipeline-param:${name}`);
      set((state) => {
        const params = { ...state.params };
        const paramInfo = { ...state.paramInfo };
        if (value === undefined) {
          delete params[name];
          delete paramInfo[name];
        } else params[name] = value;
        return { params, paramInfo, editRevision: state.editRevision + 1, contentRevision: state.contentRevision + 1 };
      });
    },

    addPipelineParam(param, bind) {
      if (get().readOnlyVersion !== null) return;
      record(null);
      const info = Object.fromEntries(Object.entries(param.info).filter(([, value]) => value !== undefined));
      set((state) => ({
        params: { ...state.params, [param.name]: param.value },
        paramInfo: { ...state.paramInfo, ...(Object.keys(info).length > 0 && { [param.name]: info }) },
        nodes: bind
          ? state.nodes.map((node) =>
              node.id === bind.nodeId
                ? {
                    ...node,
                    data: { ...node.data, params: { ...node.data.params, [bind.name]: { $param: param.name } } },
                  }
                : node,
            )
          : state.nodes,
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      }));
    },

    setName(name) {
      if (get().readOnlyVersion !== null) return;
      record('name');
      set((state) => ({ name, editRevision: state.editRevision + 1, contentRevision: state.contentRevision + 1 }));
    },

    setDescription(description) {
      if (get().readOnlyVersion !== null) return;
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

    loadPipeline(stored, options = {}) {
      set({
        readOnlyVersion: options.readOnly && stored ? stored.version : null,
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

    pasteFragment(fragment, offset) {
      if (fragment.nodes.length === 0 || get().readOnlyVersion !== null) return [];
      record(null);
      const state = get();
      const pasted = copyOfFragment(
        fragment,
        state.nodes.map((node) => node.id),
        offset,
      );
      set({
        nodes: [...state.nodes.map((node) => (node.selected ? { ...node, selected: false } : node)), ...pasted.nodes],
        edges: [...state.edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)), ...pasted.edges],
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
      return pasted.nodes.map((node) => node.id);
    },

    deleteSelection() {
      if (get().readOnlyVersion !== null) return;
      const state = get();
      const gone = new Set(state.nodes.filter((node) => node.selected).map((node) => node.id));
      const edges = state.edges.filter((edge) => !edge.selected && !gone.has(edge.source) && !gone.has(edge.target));
      if (gone.size === 0 && edges.length === state.edges.length) return;
      record(null);
      set({
        nodes: state.nodes.filter((node) => !gone.has(node.id)),
        edges,
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
    },

    selectAll() {
      set((state) => ({
        nodes: state.nodes.map((node) => (node.selected ? node : { ...node, selected: true })),
      }));
    },

    fixLeak(leak) {
      if (get().readOnlyVersion !== null) return;
      record(null);
      const state = get();
      const { nodes, edges } = moveAfterSplit(state, leak);
      set({
        nodes,
        edges,
        editRevision: state.editRevision + 1,
        contentRevision: state.contentRevision + 1,
      });
    },

    moveNodes(positions) {
      if (get().readOnlyVersion !== null) return;
      record(null);
      set((state) => ({
        nodes: state.nodes.map((node) => {
          const position = positions.get(node.id);
          return position ? { ...node, position } : node;
        }),
        editRevision: state.editRevision + 1,
      }));
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
  const { name, description, params, paramInfo, nodes, edges } = useDocumentStore.getState();
  return { name, description, params, paramInfo, nodes, edges };
}

export const selectIsDirty = (state: DocumentState) =>
  state.editRevision !== state.savedRevision || state.pipelineId === null;
