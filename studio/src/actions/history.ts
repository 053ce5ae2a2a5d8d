import { useDocumentStore } from '../store/document-store';
import type { StudioAction } from './studio-action';

export const undoAction: StudioAction = {
  id: 'undo',
  label: 'Undo',
  shortcut: { key: 'z', mod: true },
  perform: () => useDocumentStore.getState().undo(),
};

export const redoAction: StudioAction = {
  id: 'redo',
  label: 'Redo',
  shortcut: { key: 'z', mod: true, shift: true },
  perform: () => useDocumentStore.getState().redo(),
};
