/**
 * Run-time fault injection for the Graph namespace: N% 429 (with Retry-After), N% 503/504, added latency,
 * resource-unit throttling settings and forced delta-token expiry/reset. Counters show what was injected and
 * whether clients waited the Retry-After before retrying (matched by client-request-id + Retry-Attempt).
 */
import type { DeltaEngine } from './delta/engine';
import type { ResourceUnitLimiter } from './throttle';
import { mulberry32 } from '../rng';

export interface ResourceUnitConfig {
  /** Token-bucket throttling per app+tenant with the documented costs. */
  enabled: boolean;
  /** RU per window; undefined = by tenant size (S <50 users 3,500; M ≤500 5,000; L 8,000). */
  capacity?: number;
  windowSeconds: number;
  /** Write requests per write window (app+tenant: 3,000 per 150 s). */
  writeCapacity: number;
  writeWindowSeconds: number;
}

export interface FaultConfig {
  /** Percentage (0..100) of Graph requests answered 429 TooManyRequests. */
  throttlePercent: number;
  /** `Retry-After` seconds on injected 429/503/504 (tests use 0 or 1; fractions allowed). */
  retryAfterSeconds: number;
  /** Percentage answered 503 serviceNotAvailable. */
  unavailablePercent: number;
  /** Percentage answered 504 GatewayTimeout. */
  gatewayTimeoutPercent: number;
  /** Send Retry-After on injected 503/504 too (else the client falls back to its own 3 s+ backoff). */
  retryAfterOn5xx: boolean;
  /** Milliseconds added before every Graph response. */
  latencyMs: number;
  /** Only inject into requests whose Graph path (e.g. `/groups/delta`) matches this case-insensitive regex. */
  pathPattern?: string;
  /** Also inject into `$batch` items (each item is rolled on its own). */
  batchItems: boolean;
  /** Seed for the fault dice (deterministic runs); undefined = Math.random. */
  seed?: number;
  resourceUnits: ResourceUnitConfig;
  /** Delta tokens older than this → 410 syncStateNotFound (Graph: 7 days). */
  deltaTokenMaxAgeSeconds: number;
  /** Server-driven paging of member lists: at most this many per page whatever `$top` asks; undefined = `$top`. */
  maxPageSize?: number;
}

export interface FaultCounters {
  /** Graph requests seen (incl. $batch items). */
  requests: number;
  injected429: number;
  injected503: number;
  injected504: number;
  /** 429s from the resource-unit bucket (not random injection). */
  resourceUnitThrottled: number;
  /** Requests that arrived with a `Retry-Attempt` header (the graph-client RetryHandler sets it). */
  retryAttempts: number;
  /** Retries that came after at least the Retry-After we sent (minus 50 ms clock slack). */
  retryAfterHonoured: number;
  /** Retries that came too early. */
  retryAfterViolated: number;
  /** Observed waits (ms) between a fault and the retry of the same client-request-id (last 200). */
  retryWaitsMs: number[];
  /** Requests slowed by `latencyMs`. */
  delayed: number;
}

export type InjectedFault = { status: 429 | 503 | 504; retryAfter?: number };

export const defaultFaultConfig = (): FaultConfig => ({
  throttlePercent: 0,
  retryAfterSeconds: 1,
  unavailablePercent: 0,
  gatewayTimeoutPercent: 0,
  retryAfterOn5xx: true,
  latencyMs: 0,
  batchItems: true,
  resourceUnits: { enabled: true, windowSeconds: 10, writeCapacity: 3000, writeWindowSeconds: 150 },
  deltaTokenMaxAgeSeconds: 7 * 24 * 3600,
});

const zeroCounters = (): FaultCounters => ({
  requests: 0, injected429: 0, injected503: 0, injected504: 0, resourceUnitThrottled: 0, retryAttempts: 0,
  retryAfterHonoured: 0, retryAfterViolated: 0, retryWaitsMs: [], delayed: 0,
});

export class FaultController {
  private cfg: FaultConfig = defaultFaultConfig();
  private count: FaultCounters = zeroCounters();
  private random: () => number = Math.random;
  private pathRe: RegExp | undefined;
  /** client-request-id → when the last fault was sent and its Retry-After. */
  private pending = new Map<string, { at: number; retryAfter: number }>();
  private delta: DeltaEngine | undefined;
  private limiter: ResourceUnitLimiter | undefined;

  /** Wire the resource-unit limiter: its buckets start full again whenever its settings change. */
  attachLimiter(limiter: ResourceUnitLimiter): void {
    this.limiter = limiter;
  }

  /** Wire the delta engine (done by startGraphEmulator). */
  attachDelta(delta: DeltaEngine): void {
    this.delta = delta;
    delta.settings.tokenMaxAgeSeconds = this.cfg.deltaTokenMaxAgeSeconds;
  }

  /** Current resource-unit settings (read on every request; not a copy). */
  get resourceUnits(): Readonly<ResourceUnitConfig> {
    return this.cfg.resourceUnits;
  }

  /** Current server-driven page cap of member lists (read on every request; not a copy). */
  get maxPageSize(): number | undefined {
    return this.cfg.maxPageSize;
  }

  get config(): FaultConfig {
    return structuredClone(this.cfg);
  }

  /** Change settings at run time (partial; `resourceUnits` merges too). */
  set(patch: Partial<Omit<FaultConfig, 'resourceUnits'>> & { resourceUnits?: Partial<ResourceUnitConfig> }): FaultConfig {
    const next: FaultConfig = { ...this.cfg, ...patch, resourceUnits: { ...this.cfg.resourceUnits, ...(patch.resourceUnits ?? {}) } };
    for (const k of ['throttlePercent', 'unavailablePercent', 'gatewayTimeoutPercent'] as const) {
      if (typeof next[k] !== 'number' || next[k] < 0 || next[k] > 100) throw new RangeError(`${k} must be a number from 0 to 100`);
    }
    if (typeof next.retryAfterSeconds !== 'number' || next.retryAfterSeconds < 0) throw new RangeError('retryAfterSeconds must be ≥ 0');
    if (typeof next.latencyMs !== 'number' || next.latencyMs < 0) throw new RangeError('latencyMs must be ≥ 0');
    this.pathRe = next.pathPattern ? new RegExp(next.pathPattern, 'i') : undefined;
    if ('seed' in patch) this.random = typeof next.seed === 'number' ? mulberry32(next.seed) : Math.random;
    this.cfg = next;
    if (this.delta) this.delta.settings.tokenMaxAgeSeconds = next.deltaTokenMaxAgeSeconds;
    if (patch.resourceUnits) this.limiter?.reset();
    return this.config;
  }

  /** Back to no faults (default settings); counters cleared. */
  reset(): void {
    this.cfg = defaultFaultConfig();
    this.pathRe = undefined;
    this.random = Math.random;
    this.pending.clear();
    this.count = zeroCounters();
    if (this.delta) this.delta.settings.tokenMaxAgeSeconds = this.cfg.deltaTokenMaxAgeSeconds;
    this.limiter?.reset();
  }

  counters(): FaultCounters {
    return { ...this.count, retryWaitsMs: [...this.count.retryWaitsMs] };
  }

  resetCounters(): void {
    this.count = zeroCounters();
    this.pending.clear();
  }

  /** Every delta/skip token issued so far → 410 syncStateNotFound. */
  expireDeltaTokens(): void {
    this.delta?.expireAll();
  }

  /** Every delta/skip token issued so far → 410 resyncRequired with a Location to restart from. */
  resetDeltaTokens(): void {
    this.delta?.resetAll();
  }

  // ---- used by the server ----

  /** Note a Graph request (counts, and matches retries to the fault that caused them). */
  observe(clientRequestId: string | undefined, retryAttempt: string | undefined): void {
    this.count.requests++;
    if (retryAttempt === undefined) return;
    this.count.retryAttempts++;
    const p = clientRequestId ? this.pending.get(clientRequestId) : undefined;
    if (!p || !clientRequestId) return;
    this.pending.delete(clientRequestId);
    const waited = Date.now() - p.at;
    this.count.retryWaitsMs.push(waited);
    if (this.count.retryWaitsMs.length > 200) this.count.retryWaitsMs.shift();
    if (waited >= p.retryAfter * 1000 - 50) this.count.retryAfterHonoured++; else this.count.retryAfterViolated++;
  }

  latency(): number {
    if (this.cfg.latencyMs > 0) this.count.delayed++;
    return this.cfg.latencyMs;
  }

  /** Roll the dice for one request; returns the fault to answer with, if any. */
  roll(path: string, inBatch: boolean): InjectedFault | undefined {
    const c = this.cfg;
    if (inBatch && !c.batchItems) return undefined;
    if (c.throttlePercent + c.unavailablePercent + c.gatewayTimeoutPercent <= 0) return undefined;
    if (this.pathRe && !this.pathRe.test(path)) return undefined;
    const r = this.random() * 100;
    if (r < c.throttlePercent) { this.count.injected429++; return { status: 429, retryAfter: c.retryAfterSeconds }; }
    if (r < c.throttlePercent + c.unavailablePercent) {
      this.count.injected503++;
      return { status: 503, ...(c.retryAfterOn5xx ? { retryAfter: c.retryAfterSeconds } : {}) };
    }
    if (r < c.throttlePercent + c.unavailablePercent + c.gatewayTimeoutPercent) {
      this.count.injected504++;
      return { status: 504, ...(c.retryAfterOn5xx ? { retryAfter: c.retryAfterSeconds } : {}) };
    }
    return undefined;
  }

  /** Remember a fault sent to a client request so its retry can be timed. */
  sentFault(clientRequestId: string | undefined, retryAfter: number | undefined): void {
    if (!clientRequestId) return;
    this.pending.set(clientRequestId, { at: Date.now(), retryAfter: retryAfter ?? 0 });
    if (this.pending.size > 10_000) this.pending.delete(this.pending.keys().next().value as string);
  }

  noteResourceUnitThrottle(): void {
    this.count.resourceUnitThrottled++;
  }
}
