import { autoLayoutAction } from './auto-layout';
import { copyAction, duplicateAction, pasteAction, selectAllAction } from './clipboard';
import { exportAction } from './export-pipeline';
import { redoAction, undoAction } from './history';
import { runAction } from './run-pipeline';
import { saveAction } from './save-pipeline';
import { shortcutsHelpAction } from './shortcuts-help';
import type { StudioAction } from './studio-action';

/** Every action the editor's shortcuts answer to (and the shortcuts panel lists). */
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
  shortcutsHelpAction,
];

/** Actions that leave text fields alone: in a field, Ctrl+Z or Ctrl+C mean the field's own. */
export const CANVAS_ONLY_ACTIONS = new Set(['undo', 'redo', 'copy', 'paste', 'duplicate', 'select-all', 'shortcuts']);
