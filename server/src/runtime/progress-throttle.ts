import type { ProgressDetail } from '@pipewright/nodes';

export const PROGRESS_INTERVAL_MS = 100;

export interface ThrottledProgress {
  (pct: number, detail?: ProgressDetail): void;
  /** Passes on the newest epoch report held back, if any (a run that ended early). */
  flush(): void;
}

/**
 * Passes progress on at most every 100 ms, so a trainer reporting each of
 * a thousand quick epochs does not flood the event stream. Reports of a new
 * epoch are throttled only against other epoch reports (an epoch ending
 * right after a batch report still shows), and the last epoch and 100 %
 * always pass. The newest epoch held back is passed on before 100 % and on
 * flush(): a model that stops early still shows its last epoch's loss.
 */
export function throttleProgress(
  report: (pct: number, detail: ProgressDetail) => void,
  now: () => number = Date.now,
): ThrottledProgress {
  let lastAny = Number.NEGATIVE_INFINITY;
  let lastEpoch = Number.NEGATIVE_INFINITY;
  let heldEpoch: { pct: number; detail: ProgressDetail } | undefined;
  const pass = (pct: number, detail: ProgressDetail, at: number) => {
    lastAny = at;
    if (detail.epoch !== undefined) {
      lastEpoch = at;
      heldEpoch = undefined;
    }
    report(pct, detail);
  };
  const flush = () => {
    if (heldEpoch) pass(heldEpoch.pct, heldEpoch.detail, now());
  };
  const progress = (pct: number, detail: ProgressDetail = {}) => {
    const at = now();
    const clamped = Math.max(0, Math.min(100, pct));
    const isEpoch = detail.epoch !== undefined;
    const final = clamped >= 100 || (isEpoch && detail.epochs !== undefined && detail.epoch === detail.epochs);
    const due = isEpoch ? at - lastEpoch >= PROGRESS_INTERVAL_MS : at - lastAny >= PROGRESS_INTERVAL_MS;
    if (!final && !due) {
      if (isEpoch) heldEpoch = { pct: clamped, detail };
      return;
    }
    if (final && !isEpoch) flush();
    pass(clamped, detail, at);
  };
  return Object.assign(progress, { flush });
}
