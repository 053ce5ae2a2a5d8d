import { useRef } from 'react';
import { editorActions } from '../actions/editor-actions';
import { shortcutLabel } from '../actions/studio-action';
import { useViewStore } from '../store/view-store';
import { Dialog } from './Dialog';

/** What the canvas itself answers to (React Flow), beside the studio's actions. */
const CANVAS_GESTURES: [string, string][] = [
  ['Delete / Backspace', 'Delete the selected nodes and edges'],
  ['Shift + click', 'Add a node to the selection'],
  ['Shift + drag', 'Select the nodes in a box'],
  ['Drag the background', 'Pan'],
  ['Wheel / pinch', 'Zoom'],
  ['Enter on a palette item', 'Add that node'],
];

/** The keyboard shortcuts, listed: opened with “?” or the toolbar's button. */
export function ShortcutsPanel() {
  const open = useViewStore((state) => state.helpOpen);
  const setOpen = useViewStore((state) => state.setHelpOpen);
  const closeButton = useRef<HTMLButtonElement>(null);
  if (!open) return null;
  return (
    <Dialog
      labelledBy="shortcuts-title"
      testId="shortcuts-panel"
      initialFocus={closeButton}
      onClose={() => setOpen(false)}
    >
      <header className="pw-dialog__head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button ref={closeButton} type="button" className="pw-button pw-button--small" onClick={() => setOpen(false)}>
          Close
        </button>
      </header>
      <table className="pw-shortcuts">
        <tbody>
          {editorActions
            .filter((action) => action.shortcut)
            .map((action) => (
              <tr key={action.id}>
                <td>
                  <kbd>{shortcutLabel(action)}</kbd>
                </td>
                <td>{action.label}</td>
              </tr>
            ))}
          {CANVAS_GESTURES.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
