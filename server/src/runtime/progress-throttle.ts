import type { ProgressDetail } from '@pipewright/nodes';

export const PROGRESS_INTERVAL_MS = 100;

/**
 * Passes progress on at most every 100 ms, so a trainer reporting each of
 * a thousand quick epochs does not flood the event stream. Reports of a new
 * epoch are throttled only against other epoch reports (an epoch ending
 * right after a batch report still shows), and the last epoch and 100 %
 * always pass.
 */
export function throttleProgress(
  report: (pct: number, detail: ProgressDetail) => void,
  now: () => number = Date.now,
): (pct: number, detail?: ProgressDetail) => void {
  let lastAny = Number.NEGATIVE_INFINITY;
  let lastEpoch = Number.NEGATIVE_INFINITY;
  return (pct, detail = {}) => {
    const at = now();
    const clamped = Math.max(0, Math.min(100, pct));
    const isEpoch = detail.epoch !== undefined;
    const final = clamped >= 100 || (isEpoch && detail.epochs !== undefined && detail.epoch === detail.epochs);
    const due = isEpoch ? at - lastEpoch >= PROGRESS_INTERVAL_MS : at - lastAny >= PROGRESS_INTERVAL_MS;
    if (!final && !due) return;
    lastAny = at;
    if (isEpoch) lastEpoch = at;
    report(clamped, detail);
  };
}
