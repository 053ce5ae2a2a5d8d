import { useEffect } from 'react';
import { listRunEvents } from '../api/runs';
import { followedUpTo, useKeyRevealStore } from '../store/key-reveal-store';
import { KeyRevealDialog } from './KeyRevealDialog';

/** How often the runs this tab started are asked whether their deployments have reported. */
const POLL_MS = 2000;

/**
 * On every page: the runs this tab started with a key pair are followed until their deploy nodes report, so a
 * new deployment's API key is shown once even when its starter has left the editor (for the Datasets page, say)
 * while the model trained. The editor reads the key too as the run's live events arrive; the server hands it
 * out once, so it shows once.
 */
export function PendingKeyReveals() {
  const pending = useKeyRevealStore((state) => state.pending);
  useEffect(() => {
    if (pending.length === 0) return;
    let live = true;
    const timer = setInterval(() => {
      for (const runId of pending) {
        listRunEvents(runId, followedUpTo(runId))
          .then(({ items }) => (live ? useKeyRevealStore.getState().follow(runId, items) : undefined))
          // A failed look is tried again at the next tick; a run that is gone stops at the session's end.
          .catch(() => undefined);
      }
    }, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [pending]);
  return <KeyRevealDialog />;
}
