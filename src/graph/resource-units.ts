/**
 * Client-side pacing by Graph resource units (contract §8), so a cycle stays inside the identity & access
 * throttle budget of the tenant (S < 50 users 3,500 RU, M ≤ 500 5,000 RU, L 8,000 RU per 10 s, per app and
 * tenant) instead of running into 429s and their Retry-After stalls.
 *
 * Every request's cost is estimated with the documented table (GET `groups/{id}/members` 3,
 * `groups/{id}/transitiveMembers` 5, GET `users` 2, POST `directoryObjects/getByIds` 5, any other request 1;
 * `$select` −1, `$expand` +1, `$top` < 20 −1, at least 1; a `$batch` costs the sum of its items) and taken
 * from a token bucket of the configured size that refills over 10 s, like Graph's own. A request that does not
 * fit waits until it does — Graph is never asked for more than the budget, so it never has to refuse.
 *
 * The pacer sits after the RetryHandler: a retry is paced like any other attempt.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** Graph's window for the identity & access resource-unit limits. */
export const RESOURCE_UNIT_WINDOW_MS = 10_000;
/** The smallest tenant's budget (S: fewer than 50 users), the safe default. */
export const DEFAULT_RESOURCE_UNIT_BUDGET = 3500;

function baseCost(method: string, path: string): number {
  if (method !== 'GET') return method === 'POST' && /\/directoryobjects\/getbyids$/i.test(path) ? 5 : 1;
  if (/\/groups\/[^/]+\/transitivemembers(\/|$)/i.test(path)) return 5;
  if (/\/groups\/[^/]+\/members(\/|$)/i.test(path)) return 3;
  if (/\/users(\/\$count)?$/i.test(path)) return 2;
  return 1;
}

/** Resource units of one request (`url` absolute or relative to the version, query included). */
export function resourceUnitCost(method: string, url: string): number {
  const q = url.indexOf('?');
  const rawPath = (q === -1 ? url : url.slice(0, q)).replace(/^https?:\/\/[^/]+/i, '');
  const path = rawPath.replace(/\/+$/, '');
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  let cost = baseCost(method.toUpperCase(), path);
  const has = (name: string) => [...params.keys()].some((k) => k.toLowerCase() === name);
  if (has('$select')) cost -= 1;
  if (has('$expand')) cost += 1;
  const top = Number([...params].find(([k]) => k.toLowerCase() === '$top')?.[1]);
  if (Number.isFinite(top) && top > 0 && top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** Resource units of a request as sent (a `$batch` = the sum of its items; the envelope itself is free). */
export function requestResourceUnits(method: string, url: string, body: unknown): number {
  const path = url.split('?')[0];
  if (method.toUpperCase() === 'POST' && /\/\$batch$/i.test(path)) {
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return 1;
      }
    }
    const items = (parsed as { requests?: Array<{ method?: string; url?: string }> } | null)?.requests;
    if (!Array.isArray(items) || items.length === 0) return 1;
    return items.reduce((n, it) => n + resourceUnitCost(String(it.method ?? 'GET'), String(it.url ?? '')), 0);
  }
  return resourceUnitCost(method, url);
}

/** A token bucket of `budget` units refilled over `windowMs`; `take` waits (FIFO) until the units are there. */
export class ResourceUnitBucket {
  private level: number;
  private at: number;
  private queue: Promise<void> = Promise.resolve();
  /** Units taken so far, and the total time requests waited for them. */
  readonly stats = { units: 0, waits: 0, waitedMs: 0 };

  constructor(
    readonly budget: number,
    private readonly windowMs = RESOURCE_UNIT_WINDOW_MS,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.level = budget;
    this.at = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.level = Math.min(this.budget, this.level + ((now - this.at) * this.budget) / this.windowMs);
    this.at = now;
  }

  take(units: number): Promise<void> {
    const cost = Math.min(Math.max(units, 0), this.budget);
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.level < cost) {
        const ms = Math.ceil(((cost - this.level) * this.windowMs) / this.budget);
        this.stats.waits++;
        this.stats.waitedMs += ms;
        await this.sleep(ms);
        this.refill();
      }
      this.level -= cost;
      this.stats.units += units;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** Graph middleware: each attempt waits for its resource units in the bucket. */
export class ResourceUnitPacer implements Middleware {
  private next: Middleware | undefined;

  constructor(readonly bucket: ResourceUnitBucket) {}

  async execute(context: Context): Promise<void> {
    const req = context.request;
    const url = typeof req === 'string' ? req : req.url;
    const method = context.options?.method ?? (typeof req === 'string' ? 'GET' : req.method);
    await this.bucket.take(requestResourceUnits(method, url, context.options?.body));
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
