import { useViewStore } from '../store/view-store';
import type { StudioAction } from './studio-action';

/** Opens the command palette: every editor action, found by typing its name. */
export const commandPaletteAction: StudioAction = {
  id: 'command-palette',
  label: 'Command palette',
  shortcut: { key: 'k', mod: true },
  perform: () => useViewStore.getState().setCommandPaletteOpen(!useViewStore.getState().commandPaletteOpen),
};
