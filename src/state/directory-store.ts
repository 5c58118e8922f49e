/**
 * The directory state store: the job's state in ONE AD object (class msDS-App-Configuration) at `state.dn`,
 * shared by every worker of a hybrid worker group through AD's own replication. On that object:
 *   msDS-ByteArray – the StateDoc and run history, gzip'd JSON in chunks (blob.ts)
 *   msDS-Settings  – `lease:{…}` (exactly one value: who may run cycles, until when; lease.ts) and
 *                    `request:{…}` values (approvals and resets made by non-holders, applied by the holder)
 *
 * Only the lease holder writes the state, and every state write renews the lease in the SAME modify (delete the
 * exact lease value it holds, add the renewed one): a worker that lost its lease cannot overwrite the state of
 * the worker that took it over. The permissive-modify control is never sent here (it would turn the refused
 * delete of a changed lease value into a silent success).
 *
 * All lease and state traffic goes to ONE domain controller (`state.url`, default the first of directory.urls,
 * which should be the PDC emulator): a compare-and-swap is only atomic on one DC; see docs/hybrid-workers.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { LdapPool } from '../directory/pool';
import { isConnectionFailure, resultCodeOf } from '../directory/errors';
import { decodeBlob, encodeBlob } from './blob';
import { LeaseLostError, StateLockedError, StateStoreError } from './errors';
import { LEASE_PREFIX, REQUEST_PREFIX, decodeLease, encodeLease, leaseAvailable, parseGeneralizedTime, type LeaseValue } from './lease';
import type { JobStore, LockInfo, StateRequest, StoreLock } from './port';
import { emptyState, settleLoadedState, type StateDoc } from './types';

export const DIRECTORY_STATE_CLASS = 'msDS-App-Configuration';
const STATE_ATTR = 'msDS-ByteArray';
const SETTINGS_ATTR = 'msDS-Settings';
export const MAX_DIRECTORY_RUNS = 50;

export interface DirectoryStoreOptions {
  /** The lease DC (one URL: no failover, see above). */
  url: string;
  bindDn: string;
  password: string;
  caFile?: string;
  timeoutMs?: number;
  /** DN of the job's object, e.g. CN=contoso,CN=GroupWriteback,CN=Program Data,DC=contoso,DC=com. */
  dn: string;
  /** Local folder for the provisioning log. */
  localDir: string;
  /** Lease duration (default 60 s); renewed every third of it. */
  leaseMs?: number;
}

interface Payload {
  doc: StateDoc;
  runs: unknown[];
}

interface ReadBack {
  exists: boolean;
  lease: string[];
  requests: string[];
  chunks: Buffer[];
}

interface Held {
  value: LeaseValue;
  raw: string;
  /** Local time the DC last confirmed the lease (the send time of the modify that renewed it). */
  confirmedAt: number;
  abort: AbortController;
  timer: NodeJS.Timeout;
}

const NO_SUCH_ATTRIBUTE = 16;
const NO_SUCH_OBJECT = 32;
const ALREADY_EXISTS = 68;

export class DirectoryStateStore implements JobStore {
  readonly kind = 'directory' as const;
  doc: StateDoc = emptyState();
  /** This process's worker id (host/pid/random). */
  readonly workerId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private runs: unknown[] = [];
  private readonly pool: LdapPool;
  private readonly leaseMs: number;
  private leaseRaw: string[] = [];
  private requests: { raw: string; request: StateRequest }[] = [];
  private readonly consumed = new Set<string>();
  private held: Held | undefined;
  private skewMs = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly opts: DirectoryStoreOptions) {
    this.leaseMs = Math.max(1000, opts.leaseMs ?? 60_000);
    this.pool = new LdapPool({
      urls: [opts.url],
      bindDn: opts.bindDn,
      password: opts.password,
      ...(opts.caFile ? { caFile: opts.caFile } : {}),
      size: 1,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      downForMs: 0,
      // One DC and a few requests a cycle: every request tries it again. A breaker that gave it up would keep
      // failing the lease renewals after the DC came back, and the lease would be lost for nothing.
      breakerThreshold: 0,
    });
  }

  /** Open: read the object (it is created on the first lock). A damaged payload is reported, not fatal. */
  static async open(opts: DirectoryStoreOptions): Promise<{ store: DirectoryStateStore; recovered?: string }> {
    try {
      mkdirSync(join(opts.localDir, 'log'), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StateStoreError(`Cannot create the local log folder ${opts.localDir}: ${(err as Error).message}`, { target: opts.localDir, hint: 'Check config.state.path and the folder permissions.', cause: err });
    }
    const store = new DirectoryStateStore(opts);
    try {
      const recovered = await store.reload();
      return recovered ? { store, recovered } : { store };
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  get location(): string {
    return this.opts.dn;
  }

  get logDir(): string {
    return join(this.opts.localDir, 'log');
  }

  /** The lease as last read (tests, status). */
  get lease(): LeaseValue | undefined {
    return this.leaseRaw.length === 1 ? decodeLease(this.leaseRaw[0]) : undefined;
  }

  /** Re-read the object. Returns a message when the payload could not be decoded (the state starts empty). */
  async reload(): Promise<string | undefined> {
    const r = await this.read();
    this.leaseRaw = r.lease;
    this.requests = [];
    for (const raw of r.requests) {
      try {
        this.requests.push({ raw, request: JSON.parse(raw.slice(REQUEST_PREFIX.length)) as StateRequest });
      } catch {
        /* not ours: ignored */
      }
    }
    try {
      const p = decodeBlob<Payload>(r.chunks);
      this.doc = settleLoadedState(p?.doc ?? emptyState());
      this.runs = Array.isArray(p?.runs) ? p.runs : [];
      return undefined;
    } catch (err) {
      this.doc = emptyState();
      this.runs = [];
      return `the state in ${this.opts.dn} is damaged (${(err as Error).message}); the next save replaces it`;
    }
  }

  /** Re-read only the queued requests (the holder, between cycles: the state it holds is its own). */
  async refreshRequests(): Promise<void> {
    const raws = await this.pool.use(async (client) => {
      try {
        const res = await client.search(this.opts.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [SETTINGS_ATTR] });
        return values(res.searchEntries[0]?.[SETTINGS_ATTR]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
      } catch (err) {
        throw this.storeError(err, 'read');
      }
    });
    const known = new Map(this.requests.map((r) => [r.raw, r]));
    this.requests = [];
    for (const raw of raws.filter((v) => v.startsWith(REQUEST_PREFIX))) {
      const k = known.get(raw);
      if (k) this.requests.push(k);
      else {
        try {
          this.requests.push({ raw, request: JSON.parse(raw.slice(REQUEST_PREFIX.length)) as StateRequest });
        } catch {
          /* not ours */
        }
      }
    }
  }

  // ---- lease ----------------------------------------------------------------------------------------------

  async lock(purpose: string): Promise<StoreLock> {
    if (this.held) throw new StateLockedError(`This process already holds the lease of ${this.opts.dn} (${this.held.value.purpose}).`, { code: 'StateLocked', target: this.opts.dn });
    await this.ensureObject();
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.read();
      const now = await this.dcNow();
      const current = r.lease.length === 1 ? safeLease(r.lease[0]) : undefined;
      if (current && !leaseAvailable(current, now) && current.holder !== this.workerId) {
        throw new StateLockedError(`Another worker holds the lease of ${this.opts.dn}: ${current.holder} (${current.purpose ?? 'cycle'}) until ${current.expiresAt}.`, {
          code: 'StateLocked',
          target: this.opts.dn,
          hint: 'Only one worker runs cycles at a time; this one may try again later. A worker that died loses the lease when it expires.',
        });
      }
      const next: LeaseValue = {
        holder: this.workerId,
        host: hostname(),
        pid: process.pid,
        purpose,
        epoch: (current?.epoch ?? 0) + 1,
        acquiredAt: new Date(now).toISOString(),
        expiresAt: new Date(now + this.leaseMs).toISOString(),
      };
      const sentAt = Date.now();
      const raw = encodeLease(next);
      try {
        await this.modify([...r.lease.map((v) => del(SETTINGS_ATTR, v)), add(SETTINGS_ATTR, raw)]);
      } catch (err) {
        if (resultCodeOf(err) === NO_SUCH_ATTRIBUTE) continue; // changed under us: read again
        throw err;
      }
      const abort = new AbortController();
      const timer = setInterval(() => void this.serial(() => this.renew()).catch(() => undefined), Math.max(200, Math.floor(this.leaseMs / 3)));
      timer.unref();
      this.held = { value: next, raw, confirmedAt: sentAt, abort, timer };
      try {
        await this.reload();
      } catch (err) {
        await this.release(this.held);
        throw err;
      }
      const info: LockInfo = {
        pid: process.pid,
        host: next.host!,
        startedAt: next.acquiredAt!,
        purpose,
        expiresAt: next.expiresAt!,
        holder: this.workerId,
        ...(current?.holder && current.expiresAt ? { tookOverFrom: { holder: current.holder, expiresAt: current.expiresAt } } : {}),
      };
      const held = this.held;
      return { info, signal: abort.signal, release: () => this.release(held) };
    }
    throw new StateLockedError(`Could not take the lease of ${this.opts.dn}: it keeps changing.`, { code: 'StateLocked', target: this.opts.dn, hint: 'Another worker is taking it; try again later.' });
  }

  async lockHolder(): Promise<LockInfo | undefined> {
    const r = await this.read();
    this.leaseRaw = r.lease;
    const l = r.lease.length === 1 ? safeLease(r.lease[0]) : undefined;
    if (!l || leaseAvailable(l, await this.dcNow())) return undefined;
    return { pid: l.pid ?? 0, host: l.host ?? '?', startedAt: l.acquiredAt ?? '', purpose: l.purpose ?? 'cycle', ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}), holder: l.holder! };
  }

  private async renew(): Promise<void> {
    const h = this.held;
    if (!h || h.abort.signal.aborted) return;
    const sentAt = Date.now();
    try {
      await this.swapLease(h, []);
      h.confirmedAt = sentAt;
    } catch (err) {
      if (err instanceof LeaseLostError) return this.lose(h, err);
      // Unreachable DC: keep trying, but stop writing well before anyone else may take over.
      if (Date.now() - h.confirmedAt > (this.leaseMs * 2) / 3) {
        this.lose(h, new LeaseLostError(`The lease of ${this.opts.dn} could not be renewed for ${Math.round((Date.now() - h.confirmedAt) / 1000)} s (${(err as Error).message}); stopping before it expires.`, { target: this.opts.dn, cause: err, hint: `Check that ${this.opts.url} is reachable.` }));
      }
    }
  }

  /** One modify: `extra` changes + delete the exact held lease value + add the renewed one. */
  private async swapLease(h: Held, extra: Change[]): Promise<void> {
    const now = await this.dcNow();
    const next: LeaseValue = { ...h.value, epoch: h.value.epoch + 1, expiresAt: new Date(now + this.leaseMs).toISOString() };
    const raw = encodeLease(next);
    try {
      await this.modify([...extra, del(SETTINGS_ATTR, h.raw), add(SETTINGS_ATTR, raw)]);
    } catch (err) {
      if (resultCodeOf(err) === NO_SUCH_ATTRIBUTE) {
        throw new LeaseLostError(`Another worker took over the lease of ${this.opts.dn}.`, { target: this.opts.dn, hint: 'This worker stops; the other one continues the job.' });
      }
      if (isConnectionFailure(err)) {
        // The modify may have landed before the connection broke: adopt it if the DC holds our new value.
        const r = await this.read().catch(() => undefined);
        if (r?.lease.includes(raw)) {
          h.value = next;
          h.raw = raw;
          this.leaseRaw = r.lease;
          return;
        }
      }
      throw err;
    }
    h.value = next;
    h.raw = raw;
    this.leaseRaw = [raw];
  }

  private lose(h: Held, err: LeaseLostError): void {
    clearInterval(h.timer);
    if (this.held === h) this.held = undefined;
    h.abort.abort(err);
  }

  private async release(h: Held): Promise<void> {
    clearInterval(h.timer);
    if (this.held !== h) return;
    this.held = undefined;
    if (h.abort.signal.aborted) return;
    const free: LeaseValue = { holder: null, epoch: h.value.epoch + 1 };
    await this.serial(() => this.modify([del(SETTINGS_ATTR, h.raw), add(SETTINGS_ATTR, encodeLease(free))])).catch(() => undefined); // else it expires
  }

  // ---- state ----------------------------------------------------------------------------------------------

  async save(): Promise<void> {
    await this.serial(async () => {
      const h = this.held;
      if (!h || h.abort.signal.aborted) {
        throw (h?.abort.signal.reason as Error | undefined) ?? new LeaseLostError(`This worker does not hold the lease of ${this.opts.dn}: the state is not written.`, { target: this.opts.dn });
      }
      const chunks = encodeBlob({ doc: this.doc, runs: this.runs } satisfies Payload);
      const done = [...this.consumed];
      const sentAt = Date.now();
      try {
        await this.swapLease(h, [new Change({ operation: 'replace', modification: new Attribute({ type: STATE_ATTR, values: chunks }) }), ...done.map((v) => del(SETTINGS_ATTR, v))]);
      } catch (err) {
        if (err instanceof LeaseLostError) this.lose(h, err);
        throw err;
      }
      h.confirmedAt = sentAt;
      for (const v of done) this.consumed.delete(v);
      this.requests = this.requests.filter((r) => !done.includes(r.raw));
    });
  }

  readRuns<T = unknown>(): T[] {
    return this.runs as T[];
  }

  async appendRun(run: unknown): Promise<void> {
    this.runs.push(run);
    if (this.runs.length > MAX_DIRECTORY_RUNS) this.runs.splice(0, this.runs.length - MAX_DIRECTORY_RUNS);
    await this.save();
  }

  /** The state and the runs live in one attribute: appending the run saves the state with it, in one write. */
  async saveWithRun(run: unknown): Promise<void> {
    await this.appendRun(run);
  }

  pendingRequests(): StateRequest[] {
    return this.requests.filter((r) => !this.consumed.has(r.raw)).map((r) => r.request);
  }

  consumeRequests(requests: StateRequest[]): void {
    for (const r of this.requests) if (requests.includes(r.request)) this.consumed.add(r.raw);
  }

  /** Queue a request (an LDAP add of one value: needs no lease). */
  async enqueueRequest(request: StateRequest): Promise<void> {
    await this.ensureObject();
    await this.modify([add(SETTINGS_ATTR, REQUEST_PREFIX + JSON.stringify({ ...request, id: randomUUID() }))]);
  }

  async close(): Promise<void> {
    if (this.held) await this.release(this.held);
    await this.pool.close();
  }

  // ---- LDAP -----------------------------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<ReadBack> {
    return this.pool.use(async (client) => {
      try {
        const res = await client.search(this.opts.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [STATE_ATTR, SETTINGS_ATTR], explicitBufferAttributes: [STATE_ATTR] });
        const e = res.searchEntries[0];
        if (!e) return { exists: false, lease: [], requests: [], chunks: [] };
        const settings = values(e[SETTINGS_ATTR]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
        return {
          exists: true,
          lease: settings.filter((v) => v.startsWith(LEASE_PREFIX)),
          requests: settings.filter((v) => v.startsWith(REQUEST_PREFIX)),
          chunks: values(e[STATE_ATTR]).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1'))),
        };
      } catch (err) {
        if (resultCodeOf(err) === NO_SUCH_OBJECT) return { exists: false, lease: [], requests: [], chunks: [] };
        throw this.storeError(err, 'read');
      }
    });
  }

  /** The lease DC's clock (rootDSE currentTime), remembered as an offset from ours. */
  private async dcNow(): Promise<number> {
    try {
      await this.pool.use(async (client) => {
        const local = Date.now();
        const res = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['currentTime'] });
        const v = res.searchEntries[0]?.currentTime;
        const text = Array.isArray(v) ? v[0] : v;
        if (text) this.skewMs = parseGeneralizedTime(Buffer.isBuffer(text) ? text.toString('utf8') : text) - local;
      });
    } catch {
      /* the last known offset */
    }
    return Date.now() + this.skewMs;
  }

  private async ensureObject(): Promise<void> {
    await this.pool.use(async (client) => {
      try {
        await client.add(this.opts.dn, { objectClass: ['top', 'applicationSettings', DIRECTORY_STATE_CLASS], [SETTINGS_ATTR]: [encodeLease({ holder: null, epoch: 0 })] });
      } catch (err) {
        if (resultCodeOf(err) === ALREADY_EXISTS) return;
        throw this.storeError(err, 'create');
      }
    });
  }

  private async modify(changes: Change[]): Promise<void> {
    await this.pool.use(async (client) => {
      try {
        await client.modify(this.opts.dn, changes);
      } catch (err) {
        if (resultCodeOf(err) === NO_SUCH_ATTRIBUTE || isConnectionFailure(err)) throw err;
        throw this.storeError(err, 'write');
      }
    }, 0);
  }

  private storeError(err: unknown, what: 'read' | 'write' | 'create'): Error {
    if (isConnectionFailure(err)) return err as Error;
    const code = resultCodeOf(err);
    const hint =
      code === 50 || code === 53
        ? `Grant the service account create/delete of ${DIRECTORY_STATE_CLASS} objects and read/write of their properties on the parent container of ${this.opts.dn} (docs/hybrid-workers.md).`
        : code === NO_SUCH_OBJECT
          ? `Create the parent container of ${this.opts.dn} (docs/hybrid-workers.md), or fix state.dn.`
          : `Check state.dn and the domain controller ${this.opts.url}.`;
    return new StateStoreError(`Cannot ${what} the job state object ${this.opts.dn}: ${(err as Error).message}`, { target: this.opts.dn, hint, cause: err });
  }
}

function values(v: unknown): Array<string | Buffer> {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as Array<string | Buffer>;
}

function del(type: string, value: string): Change {
  return new Change({ operation: 'delete', modification: new Attribute({ type, values: [value] }) });
}

function add(type: string, value: string): Change {
  return new Change({ operation: 'add', modification: new Attribute({ type, values: [value] }) });
}

function safeLease(raw: string): LeaseValue | undefined {
  try {
    return decodeLease(raw);
  } catch {
    return undefined;
  }
}
