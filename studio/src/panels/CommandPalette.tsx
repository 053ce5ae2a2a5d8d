import { useEffect, useRef, useState } from 'react';
import { commandPaletteAction } from '../actions/command-palette';
import { editorActions } from '../actions/editor-actions';
import { shortcutLabel, type StudioAction } from '../actions/studio-action';
import { useViewStore } from '../store/view-store';
import { Dialog } from './Dialog';

/** The actions whose label holds every word typed, in the editor's order. */
function matching(query: string): StudioAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return editorActions.filter(
    (action) =>
      action.id !== commandPaletteAction.id && words.every((word) => action.label.toLowerCase().includes(word)),
  );
}

/**
 * The command palette (Ctrl+K): type part of an action's name, pick it with the arrows and Enter or a click. It
 * calls the same actions as the toolbar and the shortcuts.
 */
export function CommandPalette() {
  const open = useViewStore((state) => state.commandPaletteOpen);
  const setOpen = useViewStore((state) => state.setCommandPaletteOpen);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!open) return;
    setQuery('');
    setActive(0);
  }, [open]);
  if (!open) return null;

  const found = matching(query);
  const current = Math.min(active, found.length - 1);
  const perform = (action: StudioAction | undefined) => {
    if (!action) return;
    setOpen(false);
    void action.perform();
  };

  return (
    <Dialog
      label="Command palette"
      className="pw-command-palette"
      backdropClassName="pw-command-backdrop"
      testId="command-palette"
      initialFocus={input}
      onClose={() => setOpen(false)}
    >
      <input
        ref={input}
        className="pw-input"
        role="combobox"
        aria-label="Search commands"
        aria-expanded="true"
        aria-controls="command-palette-list"
        aria-activedescendant={current >= 0 ? `command-${found[current].id}` : undefined}
        placeholder="Type a command…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            const step = event.key === 'ArrowDown' ? 1 : -1;
            if (found.length > 0) setActive((current + step + found.length) % found.length);
          } else if (event.key === 'Enter') {
            event.preventDefault();
            perform(found[current]);
          }
        }}
      />
      {found.length === 0 ? (
        <p className="pw-muted pw-command-palette__none">No command matches “{query.trim()}”.</p>
      ) : (
        <ul id="command-palette-list" role="listbox" aria-label="Commands" className="pw-command-palette__list">
          {found.map((action, index) => (
            <li
              key={action.id}
              id={`command-${action.id}`}
              role="option"
              aria-selected={index === current}
              className="pw-command-palette__item"
              onMouseEnter={() => setActive(index)}
              onClick={() => perform(action)}
            >
              <span>{action.label}</span>
              {action.shortcut && <kbd>{shortcutLabel(action)}</kbd>}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
