import { useDocumentStore } from '../store/document-store';
import { selectedFragment, type NodeFragment } from '../store/node-fragment';
import { useViewStore } from '../store/view-store';
import type { StudioAction } from './studio-action';

/** A node's height when React Flow has not measured it yet. */
const FALLBACK_HEIGHT = 100;
const GAP = 60;

/** Pastes land just below what was copied (each paste one more step down), so none hides another. */
function pasteStep(fragment: NodeFragment): { x: number; y: number } {
  const tops = fragment.nodes.map((node) => node.position.y);
  const bottoms = fragment.nodes.map((node) => node.position.y + (node.measured?.height ?? FALLBACK_HEIGHT));
  return { x: 0, y: Math.max(...bottoms) - Math.min(...tops) + GAP };
}

let clipboard: NodeFragment | null = null;
let pastes = 0;

export function copySelection(): void {
  const { nodes, edges } = useDocumentStore.getState();
  const fragment = selectedFragment(nodes, edges);
  if (fragment.nodes.length === 0) return;
  clipboard = fragment;
  pastes = 0;
  useViewStore.getState().showNotice({
    tone: 'info',
    title: fragment.nodes.length === 1 ? 'Copied 1 node' : `Copied ${fragment.nodes.length} nodes`,
  });
}

export function pasteClipboard(): void {
  if (!clipboard) return;
  pastes += 1;
  const step = pasteStep(clipboard);
  useDocumentStore.getState().pasteFragment(clipboard, { x: step.x * pastes, y: step.y * pastes });
}

export function duplicateSelection(): void {
  const { nodes, edges } = useDocumentStore.getState();
  const fragment = selectedFragment(nodes, edges);
  if (fragment.nodes.length === 0) return;
  useDocumentStore.getState().pasteFragment(fragment, pasteStep(fragment));
}

export const copyAction: StudioAction = {
  id: 'copy',
  label: 'Copy',
  shortcut: { key: 'c', mod: true },
  perform: copySelection,
};

export const pasteAction: StudioAction = {
  id: 'paste',
  label: 'Paste',
  shortcut: { key: 'v', mod: true },
  perform: pasteClipboard,
};

export const duplicateAction: StudioAction = {
  id: 'duplicate',
  label: 'Duplicate',
  shortcut: { key: 'd', mod: true },
  perform: duplicateSelection,
};

export const selectAllAction: StudioAction = {
  id: 'select-all',
  label: 'Select all',
  shortcut: { key: 'a', mod: true },
  perform: () => useDocumentStore.getState().selectAll(),
};

export const deleteAction: StudioAction = {
  id: 'delete',
  label: 'Delete selection',
  shortcut: { key: 'Delete' },
  perform: () => useDocumentStore.getState().deleteSelection(),
};
