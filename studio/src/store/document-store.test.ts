import { beforeEach, describe, expect, it } from 'vitest';
import { registry, type AnyNodeDescription } from '@pipewright/nodes/descriptions';
import { selectIsDirty, useDocumentStore } from './document-store';
import { documentToPipeline } from './pipeline-mapping';

const definition = (type: string): AnyNodeDescription => {
  const found = registry.get(type);
  if (!found) throw new Error(`the catalog has no ${type}`);
  return found;
};

const store = () => useDocumentStore.getState();

describe('document store', () => {
  beforeEach(() => store().loadPipeline(null));

  it('adds nodes with readable ids, pinned to their version, selecting the newest', () => {
    const first = store().addNode(definition('clean.missing'), { x: 0, y: 0 });
    const second = store().addNode(definition('clean.missing'), { x: 300, y: 0 });
    expect([first, second]).toEqual(['clean_missing', 'clean_missing_2']);
    expect(store().nodes.map((node) => [node.data.type, node.selected])).toEqual([
      [`clean.missing@${definition('clean.missing').version}`, false],
      [`clean.missing@${definition('clean.missing').version}`, true],
    ]);
  });

  it('gives an input one connection: a new one replaces the old', () => {
    const a = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    const b = store().addNode(definition('source.csv'), { x: 0, y: 200 });
    const clean = store().addNode(definition('clean.duplicates'), { x: 300, y: 0 });
    store().onConnect({ source: a, sourceHandle: 'out', target: clean, targetHandle: 'in' });
    store().onConnect({ source: b, sourceHandle: 'out', target: clean, targetHandle: 'in' });
    expect(documentToPipeline(store()).edges).toEqual([{ from: `${b}.out`, to: `${clean}.in` }]);
    expect(store().edges[0].className).toBe('edge-table');
  });

  it('undoes and redoes document edits, typing in one field being one step', () => {
    const id = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    store().setParam(id, 'path', 'd');
    store().setParam(id, 'path', 'data.csv');
    store().undo();
    expect(store().nodes[0].data.params).toEqual({});
    store().undo();
    expect(store().nodes).toEqual([]);
    store().redo();
    store().redo();
    expect(store().nodes[0].data.params).toEqual({ path: 'data.csv' });
  });

  it('is dirty after an edit and clean once that revision is saved', () => {
    const id = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    store().setParam(id, 'path', 'data.csv');
    const revision = store().editRevision;
    store().markSaved({ ...documentToPipeline(store()), id: 'p1', version: 1, createdAt: '', updatedAt: '' }, revision);
    expect(selectIsDirty(store())).toBe(false);
    store().setParam(id, 'header', false);
    expect(selectIsDirty(store())).toBe(true);
  });

  it('renames a node and rewires its edges, refusing a taken or malformed id', () => {
    const source = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    const clean = store().addNode(definition('clean.duplicates'), { x: 300, y: 0 });
    store().onConnect({ source, sourceHandle: 'out', target: clean, targetHandle: 'in' });
    expect(store().renameNode(source, clean)).toBe(`another node is already called "${clean}"`);
    expect(store().renameNode(source, '1st')).toMatch(/start with a letter/);
    expect(store().renameNode(source, 'patients')).toBeNull();
    expect(documentToPipeline(store()).edges).toEqual([{ from: 'patients.out', to: `${clean}.in` }]);
    expect(store().edges[0].id).toBe(`patients.out->${clean}.in`);
  });

  it('keeps an old version read-only: edits change nothing until the latest is back', () => {
    store().addNode(definition('source.csv'), { x: 0, y: 0 });
    const file = documentToPipeline(store());
    const stored = {
      ...file,
      id: 'p1',
      version: 1,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    store().loadPipeline(stored, { readOnly: true });
    expect(store().readOnlyVersion).toBe(1);
    store().addNode(definition('clean.missing'), { x: 300, y: 0 });
    store().setParam('source_csv', 'path', 'other.csv');
    store().setName('changed');
    store().selectAll();
    store().deleteSelection();
    expect(documentToPipeline(store())).toEqual(file);
    store().loadPipeline(stored);
    expect(store().readOnlyVersion).toBeNull();
  });

  it('keeps a node name and notes in the pipeline file, each typing run one undo step; empty removes them', () => {
    const id = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    store().setNodeText(id, 'label', 'F');
    store().setNodeText(id, 'label', 'Flowers');
    store().setNodeText(id, 'notes', 'measured in 1936');
    expect(documentToPipeline(store()).nodes[0]).toMatchObject({ label: 'Flowers', notes: 'measured in 1936' });
    store().undo();
    expect(documentToPipeline(store()).nodes[0].notes).toBeUndefined();
    expect(documentToPipeline(store()).nodes[0].label).toBe('Flowers');
    store().undo();
    expect(documentToPipeline(store()).nodes[0]).not.toHaveProperty('label');
    store().redo();
    store().setNodeText(id, 'label', '');
    expect(documentToPipeline(store()).nodes[0]).not.toHaveProperty('label');
  });

  it('makes a drag one undo step, and a click that moves nothing no edit', () => {
    const id = store().addNode(definition('source.csv'), { x: 0, y: 0 });
    const revision = store().editRevision;
    const steps = store().past.length;
    store().onNodesChange([{ type: 'position', id, position: { x: 0, y: 0 }, dragging: true }]);
    store().onNodesChange([{ type: 'position', id, position: { x: 0, y: 0 }, dragging: false }]);
    expect([store().editRevision, store().past.length]).toEqual([revision, steps]);
    store().onNodesChange([{ type: 'position', id, position: { x: 0, y: 0 }, dragging: true }]);
    for (const x of [10, 20, 30])
      store().onNodesChange([{ type: 'position', id, position: { x, y: 5 }, dragging: true }]);
    store().onNodesChange([{ type: 'position', id, position: { x: 30, y: 5 }, dragging: false }]);
    expect(store().past.length).toBe(steps + 1);
    expect(store().editRevision).toBe(revision + 3);
    store().undo();
    expect(store().nodes[0].position).toEqual({ x: 0, y: 0 });
  });
});
