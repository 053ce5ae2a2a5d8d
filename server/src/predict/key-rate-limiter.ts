/** A token bucket per API key: `perSecond` requests a second, bursts up to one second's worth. */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one request from the key's bucket; false when it is empty. */
  take(keyId: string, perSecond: number, now = performance.now()): boolean {
    let bucket = this.buckets.get(keyId);
    if (!bucket) this.buckets.set(keyId, (bucket = { tokens: perSecond, at: now }));
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(keyId: string): void {
    this.buckets.delete(keyId);
  }
}
