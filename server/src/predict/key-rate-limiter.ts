/**
 * A token bucket per API key: `perSecond` requests a second, bursts up to one
 * second's worth (and at least one request: an instance enforcing its share
 * of a small rate still lets a request through now and then).
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one request from the key's bucket; false when it is empty. */
  take(keyId: string, perSecond: number, now = performance.now()): boolean {
    let bucket = this.buckets.get(keyId);
    const burst = Math.max(1, perSecond);
    if (!bucket) this.buckets.set(keyId, (bucket = { tokens: burst, at: now }));
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(keyId: string): void {
    this.buckets.delete(keyId);
  }
}
