import { create } from 'zustand';
import { followRunEvents, type EventStreamState } from '../api/run-events';
import { getRun, listPipelineRuns, listRunEvents } from '../api/runs';
import { describeError } from '../api/http';
import { useViewStore } from './view-store';
import { reportDeployment } from '../actions/deployment-outcome';
import {
  applyRunEvent,
  awaitsDeployments,
  emptyRunView,
  isRunActive,
  mergeRunDocument,
  type RunView,
} from './run-state';

/** Server state: the run shown on the canvas and the live stream feeding it. */
interface RunStoreState {
  run: RunView | null;
  stream: EventStreamState | 'closed';
  streamError: string | null;
  /** Shows a run that just started and follows its events. */
  follow(runId: string): void;
  /**
   * Shows the newest run of a pipeline (with `version`, of that version: none when it never ran), following it
   * when it is still going.
   */
  showLatest(pipelineId: string, version?: number): Promise<void>;
  /** The version whose newest run `showLatest` looked for (`null`: the pipeline's), and whether it has answered. */
  shownVersion: number | null;
  shownLoaded: boolean;
  clear(): void;
}

let stopFollowing: (() => void) | null = null;
/** The `showLatest` call that counts: an older one still loading when another starts shows nothing. */
let latestRequest = 0;

export const useRunStore = create<RunStoreState>()((set, get) => {
  const stop = () => {
    stopFollowing?.();
    stopFollowing = null;
  };

  const reconcile = async (runId: string) => {
    try {
      const document = await getRun(runId);
      if (get().run?.runId === runId) set({ run: mergeRunDocument(get().run, document) });
    } catch (error) {
      set({ streamError: describeError(error) });
    }
  };

  return {
    run: null,
    stream: 'closed',
    streamError: null,
    shownVersion: null,
    shownLoaded: false,

    follow(runId) {
      stop();
      latestRequest++;
      set({ run: emptyRunView(runId), stream: 'connecting', streamError: null });
      stopFollowing = followRunEvents(runId, 0, {
        onEvent(event) {
          const current = get().run;
          if (!current || current.runId !== runId) return;
          const next = applyRunEvent(current, event);
          set({ run: next });
          if (event.type === 'deployment') reportDeployment(event);
          // A run that deploys is followed until each deploy.service node has said what came of it.
          if ((event.type === 'run-finished' || event.type === 'deployment') && !awaitsDeployments(next)) {
            stop();
            set({ stream: 'closed' });
            void reconcile(runId);
          }
        },
        onStreamState(stream) {
          if (get().run?.runId === runId) set({ stream });
        },
        onError(message) {
          set({ streamError: message });
        },
      });
    },

    async showLatest(pipelineId, version) {
      stop();
      const request = ++latestRequest;
      set({ run: null, stream: 'closed', streamError: null, shownVersion: version ?? null, shownLoaded: false });
      const runs = await listPipelineRuns(pipelineId, 1, version);
      const latest = runs.items[0];
      if (request !== latestRequest) return;
      if (!latest) {
        set({ shownLoaded: true });
        return;
      }
      if (isRunActive(latest.status)) {
        get().follow(latest.id);
        set({ shownLoaded: true });
        return;
      }
      // Replaying the stored events brings back what only they carry: loss curves and logs.
      const [document, events] = await Promise.all([
        getRun(latest.id),
        listRunEvents(latest.id).catch(() => ({ items: [] })),
      ]);
      if (request !== latestRequest) return;
      const replayed = events.items.reduce(applyRunEvent, emptyRunView(latest.id));
      // Finished, but its deploys have yet to report: followed until they have.
      if (awaitsDeployments(replayed)) {
        get().follow(latest.id);
        set({ shownLoaded: true });
        return;
      }
      set({ run: mergeRunDocument(replayed, document), shownLoaded: true });
    },

    clear() {
      stop();
      latestRequest++;
      set({ run: null, stream: 'closed', streamError: null, shownVersion: null, shownLoaded: false });
    },
  };
});

/** Shows the newest run of the pipeline (with `version`, of that version), saying so when it cannot be loaded. */
export function showNewestRun(pipelineId: string, version?: number): void {
  useRunStore
    .getState()
    .showLatest(pipelineId, version)
    .catch((error: unknown) =>
      useViewStore
        .getState()
        .showNotice({ tone: 'warning', title: 'Could not load the last run', message: describeError(error) }),
    );
}
