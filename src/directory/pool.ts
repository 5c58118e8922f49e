/**
 * A small pool of long-lived, BOUND LDAP connections. Domain controllers have a short listen backlog (Samba: 10),
 * so connections are opened lazily, one at a time per caller, never more than `size`, and reused.
 *
 * - ldaps:// URLs speak TLS from the first byte (tlsOptions { ca, rejectUnauthorized: true }).
 * - ldap:// URLs are upgraded with StartTLS before the bind unless `startTls: false` (ldapts would otherwise speak
 *   TLS on 389 whenever tlsOptions is set, so tlsOptions is only given for ldaps://).
 * - Several URLs fail over in order; a URL that failed to connect is skipped for `downForMs` unless all are down.
 * - A connection that broke (socket closed, timed out) is dropped and replaced on the next use.
 * - A circuit breaker per URL (see `breaker.ts`): after a few connection-level failures in a row (timeouts,
 *   refused, reset — never an LDAP result code) the URL is given up for this pool; its connections, even those
 *   waiting on a hung server, are cut at once, and new ones go to the next URL. When every URL is given up, every
 *   caller fails at once with a DirectoryUnavailableError instead of each waiting out its own timeout.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { ConfigError } from '../core/errors';
import { UrlBreaker } from './breaker';
import type { Connector, DirectoryConnection } from './connection';
import { DirectoryError, DirectoryUnavailableError, isConnectionFailure, resultCodeOf, toDirectoryError } from './errors';

export const DEFAULT_POOL_SIZE = 4;
/** Samba's LDAP listen backlog is 10: never open more connections than that. */
export const MAX_POOL_SIZE = 10;

export interface PoolOptions {
  /** Directory URLs, tried in order (`ldaps://dc1.example.com`, `ldap://dc2.example.com:389`). */
  urls: string[];
  /** Bind identity: a DN, a UPN or DOMAIN\user. */
  bindDn: string;
  password: string;
  /** PEM CA certificate(s) to trust for the DC's certificate. Default: Node's trust store (+ NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Path of a PEM CA file (read once, on the first connect). */
  caFile?: string;
  /** Upgrade ldap:// connections with StartTLS before binding (default true). */
  startTls?: boolean;
  /** Connections kept (default 4, at most 10). */
  size?: number;
  connectTimeoutMs?: number;
  /** Per-operation timeout; the connection is dropped when it fires (default 120 s). */
  timeoutMs?: number;
  /** How long a URL that failed to connect is skipped (default 30 s). */
  downForMs?: number;
  /** Connection-level failures in a row after which a URL is given up (default 3; 0 = never). */
  breakerThreshold?: number;
  /**
   * Opens a bound connection to one URL instead of ldapts' simple bind (the Kerberos driver); the pool keeps
   * its size, reuse, failover and counters either way.
   */
  connector?: Connector;
}

export interface PoolStats {
  /** Connections opened (TCP/TLS + bind) since the pool was created. */
  connects: number;
  /** Connections currently open. */
  open: number;
  /** Connections dropped because they broke. */
  dropped: number;
  /** URLs given up by the circuit breaker. */
  trippedUrls: string[];
}

interface Conn {
  client: DirectoryConnection;
  url: string;
  /** When it last gave an answer back (or was opened). */
  lastUsedAt: number;
}

/** A connection on loan: give it back with `release()`, or `release(true)` when it must not be reused. */
export interface Lease {
  readonly client: DirectoryConnection;
  readonly url: string;
  release(broken?: boolean, error?: unknown): void;
}

export class LdapPool {
  private readonly opts: PoolOptions;
  private readonly size: number;
  private readonly idle: Conn[] = [];
  private readonly waiters: Array<(c: Conn | undefined) => void> = [];
  private readonly downUntil = new Map<string, number>();
  private ca: PoolOptions['ca'];
  private total = 0;
  private closed = false;
  private readonly counters = { connects: 0, dropped: 0 };
  private readonly leased = new Set<Conn>();
  private readonly breaker: UrlBreaker;
  private unavailable: DirectoryUnavailableError | undefined;

  constructor(opts: PoolOptions) {
    if (!opts.urls.length) throw new ConfigError('No directory URL configured.', { target: 'directory.urls', hint: 'Set at least one ldaps:// or ldap:// URL.' });
    for (const url of opts.urls) {
      if (!/^ldaps?:\/\/[^/]+\/?$/i.test(url)) {
        throw new ConfigError(`Not a directory URL: ${JSON.stringify(url)}`, {
          target: 'directory.urls',
          hint: 'Use ldaps://host[:636] or ldap://host[:389] (no path).',
        });
      }
    }
    this.opts = opts;
    this.size = Math.max(1, Math.min(MAX_POOL_SIZE, opts.size ?? DEFAULT_POOL_SIZE));
    this.ca = opts.ca;
    this.breaker = new UrlBreaker({ threshold: opts.breakerThreshold ?? 3, timeoutMs: this.timeoutMs() });
  }

  stats(): PoolStats {
    return { connects: this.counters.connects, open: this.total, dropped: this.counters.dropped, trippedUrls: this.breaker.tripped() };
  }

  private timeoutMs(): number {
    return this.opts.timeoutMs ?? 120_000;
  }

  /** Connect/TLS handshake budget: the operation timeout unless set lower (a stopped DC accepts TCP but never answers). */
  private connectTimeoutMs(): number {
    return Math.min(this.opts.connectTimeoutMs ?? this.timeoutMs(), this.timeoutMs());
  }

  /**
   * Give every URL another chance: the breaker forgets its counts and what it gave up, and calls stop failing
   * with the remembered unavailability. A one-shot run never needs it; a long-lived process (watch mode) calls
   * it before the next cycle after a failed one, or a DC that came back would stay given up for good.
   */
  revive(): void {
    if (this.closed) return;
    this.unavailable = undefined;
    this.breaker.reset();
    this.downUntil.clear();
  }

  /** Set once every URL was given up by the breaker: the reason every call fails now. */
  get unavailableError(): DirectoryUnavailableError | undefined {
    return this.unavailable;
  }

  /**
   * Run `fn` on a pooled connection. If the connection breaks, it is dropped and `fn` runs again on a fresh one,
   * up to `retries` times (default 1); `attempt` tells `fn` whether this is a retry (a write may have landed).
   */
  async use<T>(fn: (client: DirectoryConnection, info: { url: string; attempt: number }) => Promise<T>, retries = 1): Promise<T> {
    // Calls cut because the breaker gave their URL up: each URL can be given up once, so at most urls.length.
    let givenUp = 0;
    for (let attempt = 0, spent = 0; ; attempt++) {
      const lease = await this.lease();
      try {
        const out = await fn(lease.client, { url: lease.url, attempt });
        lease.release();
        return out;
      } catch (err) {
        const broken = isConnectionFailure(err) || !lease.client.isConnected;
        lease.release(broken, err);
        // Once every DC is given up, one clear error instead of this connection's own symptom.
        if (broken && this.unavailable) throw this.unavailable;
        if (!broken || this.closed) throw err;
        // The URL was given up (and this call's connection cut) while the call waited, e.g. on its retry after a
        // first timeout: that says nothing about this call, which goes on to the next URL without spending a retry.
        if (this.breaker.isTripped(lease.url) && givenUp < this.opts.urls.length) {
          givenUp++;
          continue;
        }
        if (spent++ < retries) continue;
        throw err;
      }
    }
  }

  /** Borrow a bound connection (waits when all are busy). */
  async lease(): Promise<Lease> {
    const conn = await this.acquire();
    this.leased.add(conn);
    // A connection idle for longer than an operation timeout may have been dropped silently by a firewall or
    // the DC: its failure says nothing about the DC (the retry on a fresh connection does), so it is not counted.
    const stale = Date.now() - conn.lastUsedAt > this.timeoutMs();
    let done = false;
    return {
      client: conn.client,
      url: conn.url,
      release: (broken = false, error?: unknown) => {
        if (done) return;
        done = true;
        this.leased.delete(conn);
        if (broken) {
          if (!stale) this.failed(conn.url, error);
        } else {
          this.breaker.success(conn.url);
          conn.lastUsedAt = Date.now();
        }
        if (broken || this.closed || !conn.client.isConnected) this.drop(conn, broken);
        else this.handBack(conn);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
    const idle = this.idle.splice(0);
    this.total -= idle.length;
    await Promise.all(idle.map((c) => c.client.unbind().catch(() => undefined)));
  }

  /** A connection-level failure on `url`: count it; past the breaker's limit give the URL up. */
  private failed(url: string, error: unknown): void {
    if (!this.breaker.failure(url)) return;
    this.downUntil.set(url, Number.MAX_SAFE_INTEGER);
    // Cut every connection to that URL now, even one waiting on a hung server: its caller fails (and retries on
    // the next URL) at once instead of waiting out its own timeout.
    for (const c of [...this.leased, ...this.idle]) if (c.url === url) cutSocket(c.client);
    if (this.opts.urls.every((u) => this.breaker.isTripped(u))) {
      this.unavailable = new DirectoryUnavailableError(this.opts.urls, this.breaker.failures(url), error, this.timeoutMs());
      for (const w of this.waiters.splice(0)) w(undefined);
    }
  }

  private async acquire(): Promise<Conn> {
    for (;;) {
      if (this.unavailable) throw this.unavailable;
      if (this.closed) throw new DirectoryError('The directory connection pool is closed.', { operation: 'connect', code: 'PoolClosed', category: 'InvalidOperation' });
      const idle = this.idle.pop();
      if (idle) {
        if (idle.client.isBound) return idle;
        this.drop(idle, true);
        continue;
      }
      if (this.total < this.size) {
        this.total++;
        try {
          return await this.open();
        } catch (err) {
          this.total--;
          this.wake();
          throw err;
        }
      }
      const handed = await new Promise<Conn | undefined>((resolve) => this.waiters.push(resolve));
      if (handed) {
        if (handed.client.isBound) return handed;
        this.drop(handed, true);
      }
    }
  }

  private handBack(conn: Conn): void {
    const w = this.waiters.shift();
    if (w) w(conn);
    else this.idle.push(conn);
  }

  private drop(conn: Conn, broken: boolean): void {
    this.total--;
    if (broken) this.counters.dropped++;
    conn.client.unbind().catch(() => undefined);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters.shift();
    if (w) w(undefined);
  }

  private caOption(): PoolOptions['ca'] {
    if (this.ca === undefined && this.opts.caFile) {
      try {
        this.ca = readFileSync(this.opts.caFile);
      } catch (err) {
        throw new ConfigError(`Cannot read the directory CA file ${this.opts.caFile}: ${(err as Error).message}`, {
          target: 'directory.caFile',
          hint: 'Point caFile at a readable PEM file holding the CA that issued the domain controllers\' certificates.',
        });
      }
    }
    return this.ca;
  }

  /** URLs in configured order, those recently down moved last, those given up by the breaker left out. */
  private candidates(): string[] {
    const now = Date.now();
    const live = this.opts.urls.filter((u) => !this.breaker.isTripped(u));
    const up = live.filter((u) => (this.downUntil.get(u) ?? 0) <= now);
    const down = live.filter((u) => (this.downUntil.get(u) ?? 0) > now);
    return [...up, ...down];
  }

  private async open(): Promise<Conn> {
    const connector = this.opts.connector;
    const ca = connector ? undefined : this.caOption();
    let lastError: DirectoryError | undefined;
    for (const url of this.candidates()) {
      if (connector) {
        try {
          const client = await connector(url);
          this.counters.connects++;
          this.downUntil.delete(url);
          this.breaker.success(url);
          return { client, url, lastUsedAt: Date.now() };
        } catch (err) {
          const e = toDirectoryError(err, { operation: 'bind', url });
          if (resultCodeOf(e) !== undefined) {
            this.breaker.success(url);
            throw e;
          }
          this.downUntil.set(url, Date.now() + (this.opts.downForMs ?? 30_000));
          this.failed(url, e);
          if (this.unavailable) throw this.unavailable;
          lastError = e;
          continue;
        }
      }
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      const secure = parsed.protocol === 'ldaps:';
      const tlsOptions: ConnectionOptions = { rejectUnauthorized: true, ...(ca !== undefined ? { ca } : {}) };
      const client = new Client({
        url,
        connectTimeout: this.connectTimeoutMs(),
        timeout: this.timeoutMs(),
        // tlsOptions force TLS regardless of scheme in ldapts: only for ldaps://.
        ...(secure ? { tlsOptions } : {}),
      });
      let stage: 'connect' | 'startTLS' | 'bind' = 'connect';
      // ldapts has no deadline for the TLS handshake after StartTLS: cut the socket if the whole open overruns.
      let overran = false;
      const deadline = setTimeout(() => {
        overran = true;
        cutSocket(client);
      }, this.connectTimeoutMs() + this.timeoutMs());
      try {
        if (!secure && this.opts.startTls !== false) {
          stage = 'startTLS';
          await client.startTLS({ ...tlsOptions, host, ...(isIP(host) ? {} : { servername: host }) });
        }
        stage = 'bind';
        await client.bind(this.opts.bindDn, this.opts.password);
        this.counters.connects++;
        this.downUntil.delete(url);
        this.breaker.success(url);
        return { client, url, lastUsedAt: Date.now() };
      } catch (err) {
        await client.unbind().catch(() => undefined);
        const e = toDirectoryError(overran ? Object.assign(new Error(`Connection timeout (${stage})`), { cause: err }) : err, { operation: stage, url, bindDn: this.opts.bindDn });
        // A directory answer (bad credentials, strong auth required…) is the same on every DC: stop here.
        if (resultCodeOf(err) !== undefined) {
          this.breaker.success(url);
          throw e;
        }
        this.downUntil.set(url, Date.now() + (this.opts.downForMs ?? 30_000));
        this.failed(url, e);
        if (this.unavailable) throw this.unavailable;
        lastError = e;
      } finally {
        clearTimeout(deadline);
      }
    }
    if (this.opts.urls.length > 1 && lastError) {
      throw new DirectoryError(`No domain controller reachable (${this.opts.urls.join(', ')}): ${lastError.message}`, {
        operation: lastError.operation,
        url: this.opts.urls.join(', '),
        code: lastError.code,
        category: lastError.category,
        hint: lastError.hint,
        cause: lastError,
      });
    }
    throw lastError!;
  }
}

/**
 * Close a connection's socket at once (ldapts offers no abort): its pending requests are rejected with
 * "Connection closed before message response", which the caller sees as a connection failure.
 */
/** Cut a connection under an operation in flight: ldapts' socket, or (Kerberos driver) close the native connection. */
function cutSocket(client: Client | DirectoryConnection): void {
  const socket = (client as unknown as { socket?: { destroy(): void } }).socket;
  if (socket) socket.destroy();
  else if (!(client instanceof Client)) void client.unbind().catch(() => undefined);
}
