/**
 * Resource-unit throttling of the identity & access service (contract §8): a token bucket per app+tenant
 * (size by tenant: <50 users 3,500, ≤500 5,000, else 8,000 RU per 10 s) and a write bucket (3,000 per 150 s),
 * with the documented request costs and response headers.
 */
import type { ResourceUnitConfig } from './faults';
import type { GraphRequest } from './http-types';

interface Bucket { level: number; at: number }

export interface ThrottleResult {
  ok: boolean;
  cost: number;
  /** Share of the limit in use (reported when > 0.8). */
  usage: number;
  retryAfter?: number;
  info?: string;
}

export function requestCost(base: number, req: GraphRequest): number {
  let cost = base;
  if (req.query.has('$select')) cost -= 1;
  if (req.query.has('$expand')) cost += 1;
  const top = Number(req.query.get('$top'));
  if (Number.isFinite(top) && top > 0 && top < 20) cost -= 1;
  return Math.max(1, cost);
}

export class ResourceUnitLimiter {
  private buckets = new Map<string, Bucket>();
  private writes = new Map<string, Bucket>();

  constructor(private readonly config: () => ResourceUnitConfig, private readonly userCount: () => number) {}

  capacity(): number {
    const c = this.config();
    if (c.capacity !== undefined) return c.capacity;
    const n = this.userCount();
    return n < 50 ? 3500 : n <= 500 ? 5000 : 8000;
  }

  take(key: string, cost: number, write: boolean): ThrottleResult {
    const cfg = this.config();
    if (!cfg.enabled) return { ok: true, cost, usage: 0 };
    const cap = this.capacity();
    const r = this.consume(this.buckets, key, cost, cap, cfg.windowSeconds);
    if (!r.ok) return { ok: false, cost, usage: r.usage, retryAfter: r.retryAfter, info: 'ResourceUnitLimitExceeded' };
    if (write) {
      const w = this.consume(this.writes, key, 1, cfg.writeCapacity, cfg.writeWindowSeconds);
      if (!w.ok) return { ok: false, cost, usage: w.usage, retryAfter: w.retryAfter, info: 'WriteLimitExceeded' };
    }
    return { ok: true, cost, usage: r.usage };
  }

  reset(): void {
    this.buckets.clear();
    this.writes.clear();
  }

  private consume(map: Map<string, Bucket>, key: string, cost: number, cap: number, windowSeconds: number) {
    const now = Date.now();
    const rate = cap / (windowSeconds * 1000);
    const b = map.get(key) ?? { level: cap, at: now };
    b.level = Math.min(cap, b.level + (now - b.at) * rate);
    b.at = now;
    map.set(key, b);
    if (b.level < cost) {
      const usage = Math.min(1.8, 1 + (cost - b.level) / cap);
      return { ok: false, usage, retryAfter: Math.max(1, Math.ceil((cost - b.level) / rate / 1000)) };
    }
    b.level -= cost;
    return { ok: true, usage: (cap - b.level) / cap, retryAfter: 0 };
  }
}
