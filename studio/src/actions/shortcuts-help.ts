import { useViewStore } from '../store/view-store';
import type { StudioAction } from './studio-action';

export const shortcutsHelpAction: StudioAction = {
  id: 'shortcuts',
  label: 'Keyboard shortcuts',
  shortcut: { key: '?', shift: true },
  perform: () => useViewStore.getState().setHelpOpen(!useViewStore.getState().helpOpen),
};
