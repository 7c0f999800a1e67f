import { tooManyRequests } from './api-error.ts';

/**
 * A token bucket per caller. In the cloud, API Gateway usage plans and WAF throttle first; this keeps the
 * local server (and a single Lambda container) honest under the same rules.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.now = now;
  }

  /** Takes `cost` tokens for `key`, or throws ApiError(429) with a Retry-After. */
  take(key: string, cost = 1): void {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, updated: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.updated) / 1000) * this.ratePerSecond);
    b.updated = t;
    if (b.tokens < cost) {
      this.buckets.set(key, b);
      throw tooManyRequests(Math.max(1, Math.ceil((cost - b.tokens) / this.ratePerSecond)));
    }
    b.tokens -= cost;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.evictIdle(t);
  }

  private evictIdle(t: number): void {
    for (const [k, b] of this.buckets) if (t - b.updated > 60_000) this.buckets.delete(k);
  }
}
