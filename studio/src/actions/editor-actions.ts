import { autoLayoutAction } from './auto-layout';
import { commandPaletteAction } from './command-palette';
import { copyAction, duplicateAction, pasteAction, selectAllAction } from './clipboard';
import { exportAction } from './export-pipeline';
import { redoAction, undoAction } from './history';
import { newParamAction } from './new-param';
import { runAction } from './run-pipeline';
import { saveAction } from './save-pipeline';
import { shortcutsHelpAction } from './shortcuts-help';
import type { StudioAction } from './studio-action';

/** Every action of the editor: its shortcuts answer to them, the command palette offers them, the shortcuts panel lists those with a key. */
export const editorActions: StudioAction[] = [
  saveAction,
  runAction,
  undoAction,
  redoAction,
  copyAction,
  pasteAction,
  duplicateAction,
  selectAllAction,
  autoLayoutAction,
  exportAction,
  newParamAction,
  shortcutsHelpAction,
  commandPaletteAction,
];

/** Actions that leave text fields alone: in a field, Ctrl+Z or Ctrl+C mean the field's own. */
export const CANVAS_ONLY_ACTIONS = new Set(['undo', 'redo', 'copy', 'paste', 'duplicate', 'select-all', 'shortcuts']);
