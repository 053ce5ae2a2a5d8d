import { beforeEach, describe, expect, it } from 'vitest';
import { registry, type AnyNodeDescription } from '@pipewright/nodes/descriptions';
import type { StoredPipeline } from '../api/pipelines';
import { useDocumentStore, type DocumentState } from './document-store';
import { findLeaks } from './leakage';
import { documentToPipeline } from './pipeline-mapping';

const definition = (type: string): AnyNodeDescription => {
  const found = registry.get(type);
  if (!found) throw new Error(`the catalog has no ${type}`);
  return found;
};

const store = () => useDocumentStore.getState();

/** A source, a fitted clean.missing before the split (a leak to mend) and the split, saved as version 3. */
function storedPipeline(): StoredPipeline {
  store().loadPipeline(null);
  const source = store().addNode(definition('source.csv'), { x: 0, y: 0 });
  const missing = store().addNode(definition('clean.missing'), { x: 300, y: 0 });
  const split = store().addNode(definition('split.random'), { x: 600, y: 0 });
  store().setParam(source, 'path', 'penguins.csv');
  store().onConnect({ source, sourceHandle: 'out', target: missing, targetHandle: 'in' });
  store().onConnect({ source: missing, sourceHandle: 'out', target: split, targetHandle: 'in' });
  store().setPipelineParam('seed', 7);
  const file = documentToPipeline(store());
  return { ...file, id: 'p1', version: 3, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
}

/**
 * Every action of the store that changes the document, done once on the
 * stored pipeline, and whether it can change validation (`content`).
 */
const edits: Record<string, { content: boolean; run(): void }> = {
  onConnect: {
    content: true,
    run: () =>
      store().onConnect({ source: 'source_csv', sourceHandle: 'out', target: 'split_random', targetHandle: 'in' }),
  },
  addNode: { content: true, run: () => store().addNode(definition('clean.duplicates'), { x: 0, y: 300 }) },
  removeNode: { content: true, run: () => store().removeNode('clean_missing') },
  renameNode: { content: true, run: () => store().renameNode('source_csv', 'penguins') },
  setParam: { content: true, run: () => store().setParam('split_random', 'fraction', 0.7) },
  setNodeText: { content: false, run: () => store().setNodeText('source_csv', 'notes', 'from the field station') },
  setName: { content: true, run: () => store().setName('Penguins') },
  setPipelineParam: { content: true, run: () => store().setPipelineParam('seed', 8) },
  addPipelineParam: {
    content: true,
    run: () =>
      store().addPipelineParam(
        { name: 'fraction', value: 0.6, info: { type: 'number' } },
        { nodeId: 'split_random', name: 'fraction' },
      ),
  },
  setDescription: { content: false, run: () => store().setDescription('Body mass of penguins') },
  pasteFragment: {
    content: true,
    run: () => {
      const { nodes } = store();
      store().pasteFragment({ nodes: nodes.filter((node) => node.id === 'source_csv'), edges: [] }, { x: 40, y: 40 });
    },
  },
  deleteSelection: {
    content: true,
    run: () => {
      store().selectNode('clean_missing');
      store().deleteSelection();
    },
  },
  moveNodes: { content: false, run: () => store().moveNodes(new Map([['split_random', { x: 900, y: 120 }]])) },
  fixLeak: { content: true, run: () => store().fixLeak({ nodeId: 'clean_missing', splitId: 'split_random' }) },
  onNodesChange: {
    content: true,
    run: () => store().onNodesChange([{ type: 'remove', id: 'clean_missing' }]),
  },
  onEdgesChange: {
    content: true,
    run: () => store().onEdgesChange([{ type: 'remove', id: store().edges[0].id }]),
  },
};

/** Actions that change the view, the history or what is loaded, never the document itself. */
const notEdits = ['selectNode', 'selectAll', 'loadPipeline', 'markSaved', 'undo', 'redo'];

/** The document as the file holds it, with positions: what an edit changes and undo brings back. */
const documentNow = () => ({
  file: documentToPipeline(store()),
  description: store().description,
  notes: store().nodes.map((node) => node.data.notes),
});

describe('document edits', () => {
  let stored: StoredPipeline;
  beforeEach(() => {
    stored = storedPipeline();
  });

  it('lists every action of the store as an edit or not', () => {
    const actions = Object.entries(store())
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(actions.filter((name) => !(name in edits) && !notEdits.includes(name))).toEqual([]);
    expect(findLeaks(store().nodes, store().edges).map((leak) => leak.nodeId)).toEqual(['clean_missing']);
  });

  it.each(Object.keys(edits))('%s changes the document, counts as an edit and is undone in one step', (name) => {
    store().loadPipeline(stored);
    const before: Pick<DocumentState, 'editRevision' | 'contentRevision'> = store();
    const { editRevision, contentRevision } = before;
    const document = documentNow();
    edits[name].run();
    expect(documentNow()).not.toEqual(document);
    expect(store().editRevision).toBe(editRevision + 1);
    // A missed content bump would skip re-validating the edited document.
    expect(store().contentRevision).toBe(contentRevision + (edits[name].content ? 1 : 0));
    store().undo();
    expect(documentNow()).toEqual(document);
  });

  it.each(Object.keys(edits))('%s changes nothing in an old version opened read-only', (name) => {
    store().loadPipeline(stored, { readOnly: true });
    const { editRevision, contentRevision } = store();
    const document = documentNow();
    edits[name].run();
    expect(documentNow()).toEqual(document);
    expect([store().editRevision, store().contentRevision, store().past.length]).toEqual([
      editRevision,
      contentRevision,
      0,
    ]);
  });
});
