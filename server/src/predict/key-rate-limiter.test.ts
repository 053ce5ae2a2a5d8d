import { describe, expect, it } from 'vitest';
import { KeyRateLimiter } from './key-rate-limiter.js';

describe('KeyRateLimiter', () => {
  it('lets a key make its rate a second, then refills', () => {
    const limiter = new KeyRateLimiter();
    const taken = Array.from({ length: 8 }, () => limiter.take('k', 5, 0));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(limiter.take('k', 5, 100)).toBe(false);
    expect(limiter.take('k', 5, 200)).toBe(true);
    expect(limiter.take('other', 5, 200)).toBe(true);
  });

  it('enforces a share of a rate below one a second: one request, then the wait the share implies', () => {
    const limiter = new KeyRateLimiter();
    // A key of 1 a second on one of two instances: half a request a second here.
    expect(limiter.take('k', 0.5, 0)).toBe(true);
    expect(limiter.take('k', 0.5, 1000)).toBe(false);
    expect(limiter.take('k', 0.5, 2000)).toBe(true);
  });
});
