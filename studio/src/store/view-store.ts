import { create } from 'zustand';

export type NoticeTone = 'error' | 'warning' | 'success' | 'info';

export interface Notice {
  id: string;
  tone: NoticeTone;
  title: string;
  message?: string;
  /** The node it is about, highlighted on the canvas. */
  nodeId?: string;
}

/** View state: what the user is looking at, never saved with the pipeline. */
interface ViewState {
  notice: Notice | null;
  paletteSearch: string;
  /** A save or run request in flight: its buttons wait. */
  busy: 'saving' | 'starting-run' | null;
  helpOpen: boolean;
  /** The command palette (Ctrl+K) is open. */
  commandPaletteOpen: boolean;
  /** The "New pipeline param" dialog, opened from the pipeline panel or the command palette, is open. */
  newParamOpen: boolean;
  theme: Theme;
  setHelpOpen(open: boolean): void;
  setCommandPaletteOpen(open: boolean): void;
  setNewParamOpen(open: boolean): void;
  setTheme(theme: Theme): void;
  showNotice(notice: Omit<Notice, 'id'>, options?: { autoHideMs?: number }): void;
  dismissNotice(id?: string): void;
  setPaletteSearch(search: string): void;
  setBusy(busy: ViewState['busy']): void;
}

export type Theme = 'light' | 'dark';

const THEME_KEY = 'pipewright.theme';

function initialTheme(): Theme {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(THEME_KEY) : null;
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

let hideTimer: ReturnType<typeof setTimeout> | undefined;

export const useViewStore = create<ViewState>()((set, get) => ({
  notice: null,
  paletteSearch: '',
  busy: null,
  helpOpen: false,
  commandPaletteOpen: false,
  newParamOpen: false,
  theme: initialTheme(),

  setHelpOpen(helpOpen) {
    set({ helpOpen });
  },

  setCommandPaletteOpen(commandPaletteOpen) {
    set({ commandPaletteOpen });
  },

  setNewParamOpen(newParamOpen) {
    set({ newParamOpen });
  },

  setTheme(theme) {
    localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },

  showNotice(notice, options = {}) {
    const id = crypto.randomUUID();
    clearTimeout(hideTimer);
    set({ notice: { ...notice, id } });
    const autoHideMs = options.autoHideMs ?? (notice.tone === 'error' ? 8000 : 4000);
    if (autoHideMs > 0) hideTimer = setTimeout(() => get().dismissNotice(id), autoHideMs);
  },

  dismissNotice(id) {
    if (id === undefined || get().notice?.id === id) set({ notice: null });
  },

  setPaletteSearch(paletteSearch) {
    set({ paletteSearch });
  },

  setBusy(busy) {
    set({ busy });
  },
}));
