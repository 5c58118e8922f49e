/**
 * Counts every HTTP attempt sent to Graph (retries included), for benchmarks and tests.
 * Sits after the RetryHandler in the middleware chain, so each retry passes through it.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export interface RequestCounts {
  /** HTTP requests sent to Graph, retries included (token requests excluded). */
  requests: number;
  /** Of those, re-sends by the RetryHandler after a 429/503/504. */
  retries: number;
  /** Responses 429 Too Many Requests. */
  throttled: number;
  /** Responses 503/504. */
  unavailable: number;
  /** Sum of the Retry-After values (seconds) of 429/503/504 responses. */
  retryAfterSeconds: number;
  /** Resource units spent by the documented costs (set when the client paces by a budget). */
  resourceUnits?: number;
  /** Requests that waited for the budget, and how long in all (ms). */
  pacedWaits?: number;
  pacedWaitMs?: number;
}

export type ThrottleListener = (status: number, retryAfter: string | null, url: string) => void;

export class RequestCounters implements Middleware {
  private counts: RequestCounts = RequestCounters.zero();
  private next: Middleware | undefined;

  constructor(private readonly onThrottle?: ThrottleListener) {}

  static zero(): RequestCounts {
    return { requests: 0, retries: 0, throttled: 0, unavailable: 0, retryAfterSeconds: 0 };
  }

  snapshot(): RequestCounts {
    return { ...this.counts };
  }

  reset(): void {
    this.counts = RequestCounters.zero();
  }

  async execute(context: Context): Promise<void> {
    this.counts.requests++;
    if (hasHeader(context, 'retry-attempt')) this.counts.retries++;
    await this.next!.execute(context);
    const status = context.response?.status ?? 0;
    if (status === 429 || status === 503 || status === 504) {
      if (status === 429) this.counts.throttled++;
      else this.counts.unavailable++;
      const retryAfter = context.response!.headers.get('retry-after');
      const seconds = retryAfter === null ? NaN : Number(retryAfter);
      if (Number.isFinite(seconds)) this.counts.retryAfterSeconds += seconds;
      this.onThrottle?.(status, retryAfter, typeof context.request === 'string' ? context.request : context.request.url);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function hasHeader(context: Context, name: string): boolean {
  const h = context.options?.headers as unknown;
  if (!h) return false;
  if (typeof (h as Headers).has === 'function') return (h as Headers).has(name);
  return Object.keys(h as Record<string, unknown>).some((k) => k.toLowerCase() === name);
}
