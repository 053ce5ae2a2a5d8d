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
  showNotice(notice: Omit<Notice, 'id'>, options?: { autoHideMs?: number }): void;
  dismissNotice(id?: string): void;
  setPaletteSearch(search: string): void;
  setBusy(busy: ViewState['busy']): void;
}

let hideTimer: ReturnType<typeof setTimeout> | undefined;

export const useViewStore = create<ViewState>()((set, get) => ({
  notice: null,
  paletteSearch: '',
  busy: null,

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
