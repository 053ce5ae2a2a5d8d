/** Node and run status: one explicit state machine, one transition function. */
export const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'cached'] as const;
export type Status = (typeof STATUSES)[number];

export type StatusEvent = 'start' | 'succeed' | 'fail' | 'cancel' | 'hit-cache';

const TRANSITIONS: Record<Status, Partial<Record<StatusEvent, Status>>> = {
  queued: { start: 'running', cancel: 'cancelled', 'hit-cache': 'cached', fail: 'failed' },
  running: { succeed: 'succeeded', fail: 'failed', cancel: 'cancelled', 'hit-cache': 'cached' },
  succeeded: {},
  failed: {},
  cancelled: {},
  cached: {},
};

export function isFinal(status: Status): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'cached';
}

/** A finished node whose outputs are usable downstream. */
export function isDone(status: Status): boolean {
  return status === 'succeeded' || status === 'cached';
}

export function transition(status: Status, event: StatusEvent): Status {
  const next = TRANSITIONS[status][event];
  if (!next) throw new Error(`cannot ${event} a ${status} node`);
  return next;
}
