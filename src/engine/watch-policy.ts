/**
 * Watch mode's decisions: how long to wait before the next delta cycle, and which failures are passing ones
 * (an outage that the watcher rides out) rather than a configuration problem that quarantines the job.
 *
 * The default interval (5 s) comes from Graph's limits (docs/graph-api-contract §8): an idle delta round costs
 * 1 resource unit, so polling every 5 s spends 0.2 RU/s of the smallest tenant bucket (3,500 RU per 10 s, i.e.
 * 350 RU/s) — under 0.1 %, leaving the rest for the cycles' reads and other apps — while a change waits 2.5 s on
 * average for the next round, within a 10 s change-to-AD goal. Failures back off exponentially (interval × 2^n,
 * capped at 5 minutes, ±10 % jitter so workers do not poll in step) and honour Graph's Retry-After.
 */
import { GwbError } from '../core/errors';

export const DEFAULT_WATCH_INTERVAL_MS = 5_000;
export const MIN_WATCH_INTERVAL_MS = 1_000;
export const MAX_WATCH_BACKOFF_MS = 300_000;

const PASSING = new Set(['ConnectionError', 'OperationTimeout', 'LimitsExceeded', 'ResourceUnavailable']);

/** An outage, throttling or a lost lease: retried with backoff, never a reason to quarantine a watching job. */
export function isPassingFailure(err: unknown): boolean {
  if (!(err instanceof GwbError)) return err instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket|timed? ?out/i.test(err.message);
  if (PASSING.has(err.category)) return true;
  const status = (err as GwbError & { statusCode?: number }).statusCode;
  return typeof status === 'number' && status >= 500;
}

/** Seconds Graph asked us to wait, when the error carries a Retry-After. */
export function retryAfterMs(err: unknown): number {
  const s = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof s === 'number' && s > 0 ? s * 1000 : 0;
}

/** The wait before the next cycle after `failures` consecutive failed cycles (0: the plain interval). */
export function nextWatchDelay(intervalMs: number, failures: number, err?: unknown, maxMs = MAX_WATCH_BACKOFF_MS, random = Math.random): number {
  if (failures <= 0) return intervalMs;
  const base = Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 20));
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  return Math.min(maxMs, Math.max(jittered, retryAfterMs(err)));
}
