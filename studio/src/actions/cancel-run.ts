import { cancelRun } from '../api/runs';
import { describeError } from '../api/http';
import { useRunStore } from '../store/run-store';
import { isRunActive } from '../store/run-state';
import { useViewStore } from '../store/view-store';
import type { StudioAction } from './studio-action';

export async function cancelCurrentRun(): Promise<void> {
  const run = useRunStore.getState().run;
  if (!run || !isRunActive(run.status)) return;
  try {
    await cancelRun(run.runId);
    useViewStore.getState().showNotice({ tone: 'info', title: 'Cancelling the run…' });
    // Once the run bar says cancelled, "Cancelling…" over the canvas is old news.
    const noticeId = useViewStore.getState().notice?.id;
    const settled = () => {
      const now = useRunStore.getState().run;
      if (now?.runId === run.runId && isRunActive(now.status)) return;
      stop();
      useViewStore.getState().dismissNotice(noticeId);
    };
    const stop = useRunStore.subscribe(settled);
    settled();
  } catch (error) {
    useViewStore
      .getState()
      .showNotice({ tone: 'error', title: 'Could not cancel the run', message: describeError(error) });
  }
}

export const cancelRunAction: StudioAction = {
  id: 'cancel-run',
  label: 'Cancel run',
  perform: cancelCurrentRun,
};
