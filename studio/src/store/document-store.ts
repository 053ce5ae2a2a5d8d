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
import { pipelineNodeSchema, type AnyNodeDescription, type PipelineParamInfo } from '@pipewright/nodes/descriptions';
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
  /** Whether the drag going on has recorded its undo step yet. */
  dragRecorded: boolean;
  /** An old version opened to look at: the canvas shows it and refuses edits until the latest is back. */
  readOnlyVersion: number | null;

  onNodesChange(changes: NodeChange<PipelineFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<PipelineFlowEdge>[]): void;
  onConnect(connection: Connection): void;
  addNode(definition: AnyNodeDescription, position: XYPosition): string;
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

/**
 * How an edit enters the history. `history`: the undo step it belongs to — a
 * key makes repeats within COALESCE_MS one step (typing in one field), null a
 * step of its own, false the step already recorded (the moves of a drag after
 * its first). `content`: whether it can change validation (moving a node
 * cannot), which bumps `contentRevision` so the document is checked again.
 */
interface EditKind {
  history: string | null | false;
  content: boolean;
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

  /**
   * The one way the document changes: refused while an old version is open,
   * recorded for undo, and counted in the revisions that saving and
   * validation follow. `recipe` gives the changed fields, or null for no edit
   * after all (nothing selected to delete); `edit` answers whether it edited.
   */
  const edit = (kind: EditKind, recipe: (state: DocumentState) => Partial<PipelineDocument> | null): boolean => {
    const before = get();
    if (before.readOnlyVersion !== null) return false;
    const changes = recipe(before);
    if (changes === null) return false;
    if (kind.history !== false) record(kind.history);
    const state = get();
    set({
      ...changes,
      editRevision: state.editRevision + 1,
      contentRevision: kind.content ? state.contentRevision + 1 : state.contentRevision,
    });
    return true;
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

  const deselected = <T extends { selected?: boolean }>(items: T[]): T[] =>
    items.map((item) => (item.selected ? { ...item, selected: false } : item));

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
    dragRecorded: false,
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
      const removals = changes.some(
        (change) => change.type === 'remove' || change.type === 'add' || change.type === 'replace',
      );
      const dragMoves = moves.some((change) => change.type === 'position' && change.dragging);
      const dragEnds = moves.some((change) => change.type === 'position' && !change.dragging);
      const dragging = !dragEnds && (dragMoves || state.dragging);
      // A drag is one undo step, recorded at its first move: the positions before the drag.
      const edited = edit(
        { history: removals ? 'remove' : dragMoves && !state.dragRecorded ? null : false, content: removals },
        (current) => (moved || removals ? { nodes: applyNodeChanges(changes, current.nodes) } : null),
      );
      set({
        ...(!edited && { nodes: applyNodeChanges(changes, state.nodes) }),
        dragging,
        dragRecorded: dragging && (state.dragRecorded || (edited && dragMoves)),
      });
    },

    onEdgesChange(changes) {
      if (changes.every((change) => change.type === 'select')) {
        set((state) => ({ edges: applyEdgeChanges(changes, state.edges) }));
        return;
      }
      edit({ history: 'remove', content: true }, (state) => ({ edges: applyEdgeChanges(changes, state.edges) }));
    },

    onConnect(connection) {
      const { sourceHandle, targetHandle } = connection;
      if (!sourceHandle || !targetHandle) return;
      edit({ history: null, content: true }, (state) => {
        // An input takes one connection: a new one replaces the old.
        const others = state.edges.filter(
          (edge) => !(edge.target === connection.target && edge.targetHandle === targetHandle),
        );
        const port = { ...connection, sourceHandle, targetHandle };
        return { edges: addEdge(makeEdge(port, outputPortType(state.nodes, connection.source, sourceHandle)), others) };
      });
    },

    addNode(definition, position) {
      let id = '';
      edit({ history: null, content: true }, (state) => {
        id = nextNodeId(
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
        return { nodes: [...deselected(state.nodes), node] };
      });
      return id;
    },

    removeNode(nodeId) {
      edit({ history: null, content: true }, (state) => ({
        nodes: state.nodes.filter((node) => node.id !== nodeId),
        edges: state.edges.filter((edge) => edge.source !== nodeId && edge.target !== nodeId),
      }));
    },

    renameNode(nodeId, newId) {
      if (get().readOnlyVersion !== null) return 'an old version is open read-only';
      if (newId === nodeId) return null;
      const checked = pipelineNodeSchema.shape.id.safeParse(newId);
      if (!checked.success) return checked.error.issues[0]?.message ?? 'not a valid id';
      if (get().nodes.some((node) => node.id === newId)) return `another node is already called "${newId}"`;
      const rename = (id: string) => (id === nodeId ? newId : id);
      edit({ history: null, content: true }, (state) => ({
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
      }));
      return null;
    },

    setParam(nodeId, name, value) {
      edit({ history: `param:${nodeId}:${name}`, content: true }, (state) => ({
        nodes: state.nodes.map((node) => {
          if (node.id !== nodeId) return node;
          const params = { ...node.data.params };
          if (value === undefined) delete params[name];
          else params[name] = value;
          return { ...node, data: { ...node.data, params } };
        }),
      }));
    },

    setNodeText(nodeId, field, text) {
      edit({ history: `${field}:${nodeId}`, content: false }, (state) => ({
        nodes: state.nodes.map((node) => {
          if (node.id !== nodeId) return node;
          const data = { ...node.data };
          if (text) data[field] = text;
          else delete data[field];
          return { ...node, data };
        }),
      }));
    },

    setPipelineParam(name, value) {
      edit({ history: `pipeline-param:${name}`, content: true }, (state) => {
        const params = { ...state.params };
        const paramInfo = { ...state.paramInfo };
        if (value === undefined) {
          delete params[name];
          delete paramInfo[name];
        } else params[name] = value;
        return { params, paramInfo };
      });
    },

    addPipelineParam(param, bind) {
      const info = Object.fromEntries(Object.entries(param.info).filter(([, value]) => value !== undefined));
      edit({ history: null, content: true }, (state) => ({
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
      }));
    },

    setName(name) {
      edit({ history: 'name', content: true }, () => ({ name }));
    },

    setDescription(description) {
      edit({ history: 'description', content: false }, () => ({ description: description || undefined }));
    },

    selectNode(nodeId) {
      set((state) => ({
        nodes: state.nodes.map((node) =>
          node.selected === (node.id === nodeId) ? node : { ...node, selected: node.id === nodeId },
        ),
        edges: deselected(state.edges),
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
        dragRecorded: false,
      });
    },

    markSaved(stored, savedRevision) {
      set({ pipelineId: stored.id, version: stored.version, updatedAt: stored.updatedAt, savedRevision });
    },

    pasteFragment(fragment, offset) {
      let ids: string[] = [];
      edit({ history: null, content: true }, (state) => {
        if (fragment.nodes.length === 0) return null;
        const pasted = copyOfFragment(
          fragment,
          state.nodes.map((node) => node.id),
          offset,
        );
        ids = pasted.nodes.map((node) => node.id);
        return {
          nodes: [...deselected(state.nodes), ...pasted.nodes],
          edges: [...deselected(state.edges), ...pasted.edges],
        };
      });
      return ids;
    },

    deleteSelection() {
      edit({ history: null, content: true }, (state) => {
        const gone = new Set(state.nodes.filter((node) => node.selected).map((node) => node.id));
        const edges = state.edges.filter((edge) => !edge.selected && !gone.has(edge.source) && !gone.has(edge.target));
        if (gone.size === 0 && edges.length === state.edges.length) return null;
        return { nodes: state.nodes.filter((node) => !gone.has(node.id)), edges };
      });
    },

    selectAll() {
      set((state) => ({
        nodes: state.nodes.map((node) => (node.selected ? node : { ...node, selected: true })),
      }));
    },

    fixLeak(leak) {
      edit({ history: null, content: true }, (state) => {
        const { nodes, edges } = moveAfterSplit(state, leak);
        return { nodes, edges };
      });
    },

    moveNodes(positions) {
      edit({ history: null, content: false }, (state) => ({
        nodes: state.nodes.map((node) => {
          const position = positions.get(node.id);
          return position ? { ...node, position } : node;
        }),
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
