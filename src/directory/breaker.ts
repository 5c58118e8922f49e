/**
 * The circuit breaker of one connection pool, per directory URL. It counts connection-level failures in a row
 * (timeouts, refused, reset, closed — a DC that answers with an LDAP result code is alive and resets the count)
 * and gives a URL up when:
 *  - `threshold` failures came in a row (a dead DC: refused/reset come fast), or
 *  - two failures came in a row and the URL has not answered anything for a whole operation timeout (a hung
 *    DC: with one connection, the second timeout already proves it; waiting for a third would take 3 × timeout).
 * So a DC that hangs is given up within about 2 × timeoutMs of its last answer, whatever the pool size, while
 * one slow answer on a busy DC (other connections keep succeeding) never trips it.
 */
export interface BreakerOptions {
  /** Failures in a row that give a URL up (0 = never). */
  threshold: number;
  /** The per-operation timeout: no answer for that long plus a second failure gives the URL up. */
  timeoutMs: number;
  now?: () => number;
}

interface UrlHealth {
  failures: number;
  lastAnswerAt: number;
  tripped: boolean;
}

export class UrlBreaker {
  private readonly health = new Map<string, UrlHealth>();
  private readonly now: () => number;
  private createdAt: number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
    this.createdAt = this.now();
  }

  private of(url: string): UrlHealth {
    let h = this.health.get(url);
    if (!h) this.health.set(url, (h = { failures: 0, lastAnswerAt: this.createdAt, tripped: false }));
    return h;
  }

  /** The URL answered (successfully or with an LDAP result). */
  success(url: string): void {
    const h = this.of(url);
    if (h.tripped) return;
    h.failures = 0;
    h.lastAnswerAt = this.now();
  }

  /** A connection-level failure; true when this one gives the URL up. */
  failure(url: string): boolean {
    const h = this.of(url);
    if (h.tripped || this.opts.threshold <= 0) return false;
    h.failures++;
    const silentFor = this.now() - h.lastAnswerAt;
    if (h.failures >= this.opts.threshold || (h.failures >= 2 && silentFor >= this.opts.timeoutMs)) {
      h.tripped = true;
      return true;
    }
    return false;
  }

  /** Forget every count and every URL given up (a new attempt, e.g. watch mode's next cycle after an outage). */
  reset(): void {
    this.health.clear();
    this.createdAt = this.now();
  }

  isTripped(url: string): boolean {
    return this.health.get(url)?.tripped ?? false;
  }

  failures(url: string): number {
    return this.health.get(url)?.failures ?? 0;
  }

  tripped(): string[] {
    return [...this.health].filter(([, h]) => h.tripped).map(([u]) => u);
  }
}
