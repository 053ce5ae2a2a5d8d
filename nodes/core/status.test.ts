import { describe, expect, it } from 'vitest';
import { isDone, isFinal, transition } from './status.js';

describe('node status state machine', () => {
  it('goes queued → running → succeeded', () => {
    expect(transition(transition('queued', 'start'), 'succeed')).toBe('succeeded');
  });

  it('lets a queued or running node be cancelled, fail or hit the cache', () => {
    expect(transition('queued', 'cancel')).toBe('cancelled');
    expect(transition('running', 'cancel')).toBe('cancelled');
    expect(transition('running', 'fail')).toBe('failed');
    expect(transition('queued', 'hit-cache')).toBe('cached');
  });

  it('refuses to move a finished node', () => {
    expect(() => transition('succeeded', 'start')).toThrow('cannot start a succeeded node');
    expect(() => transition('failed', 'succeed')).toThrow('cannot succeed a failed node');
    expect(() => transition('cached', 'cancel')).toThrow('cannot cancel a cached node');
  });

  it('treats cached outputs as usable and cancelled ones as not', () => {
    expect(isDone('cached')).toBe(true);
    expect(isDone('cancelled')).toBe(false);
    expect(isFinal('cancelled')).toBe(true);
    expect(isFinal('running')).toBe(false);
  });
});
