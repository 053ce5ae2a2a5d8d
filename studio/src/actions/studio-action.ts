/**
 * One user action: toolbar buttons, keyboard shortcuts and menus all call
 * `perform`, so an action behaves the same wherever it is triggered.
 */
export interface StudioAction {
  id: string;
  label: string;
  /** `mod` is Ctrl, or ⌘ on macOS. */
  shortcut?: { key: string; mod?: boolean; shift?: boolean };
  perform(): void | Promise<void>;
}

export function matchesShortcut(action: StudioAction, event: KeyboardEvent): boolean {
  const shortcut = action.shortcut;
  if (!shortcut) return false;
  const mod = event.ctrlKey || event.metaKey;
  return (
    event.key.toLowerCase() === shortcut.key.toLowerCase() &&
    mod === Boolean(shortcut.mod) &&
    event.shiftKey === Boolean(shortcut.shift)
  );
}

export function shortcutLabel(action: StudioAction): string | undefined {
  const shortcut = action.shortcut;
  if (!shortcut) return undefined;
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
  const parts = [
    shortcut.mod && (mac ? '⌘' : 'Ctrl'),
    shortcut.shift && (mac ? '⇧' : 'Shift'),
    shortcut.key === 'Enter' ? '↵' : shortcut.key.toUpperCase(),
  ];
  return parts.filter(Boolean).join(mac ? '' : '+');
}
