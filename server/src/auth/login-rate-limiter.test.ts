import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './login-rate-limiter.js';

describe('LoginRateLimiter', () => {
  it('blocks a key after the limit of failures until the window has moved past the first', () => {
    const limiter = new LoginRateLimiter(3, 60_000);
    const keys = ['ip:1.2.3.4', 'email:a@b.c'];
    for (let i = 0; i < 3; i++) limiter.fail(keys, 1000 + i);
    expect(limiter.retryAfter(keys, 2000)).toBe(59);
    expect(limiter.retryAfter(['ip:5.6.7.8'], 2000)).toBe(0);
    expect(limiter.retryAfter(keys, 61_001)).toBe(0);
  });

  it('forgets an email’s failures once it logs in', () => {
    const limiter = new LoginRateLimiter(2, 60_000);
    limiter.fail(['email:a@b.c'], 0);
    limiter.fail(['email:a@b.c'], 1);
    limiter.succeed(['email:a@b.c']);
    expect(limiter.retryAfter(['email:a@b.c'], 2)).toBe(0);
  });
});
