import { exportAction } from './export-pipeline';
import { redoAction, undoAction } from './history';
import { runAction } from './run-pipeline';
import { saveAction } from './save-pipeline';
import type { StudioAction } from './studio-action';

/** Every action the editor's shortcuts answer to. */
export const editorActions: StudioAction[] = [saveAction, runAction, undoAction, redoAction, exportAction];
