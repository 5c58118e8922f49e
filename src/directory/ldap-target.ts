/**
 * The Target port over LDAP (ldapts) for Active Directory.
 *
 * - Reads: paged searches, filters built from Filter objects (binary GUID/SID values as Buffers), users resolved
 *   in bulk with OR-filters, `member` read in explicit `member;range=lo-hi` windows.
 * - Writes: adds/modifies/modifyDN/deletes; membership as add/delete modifications in batches, never a replace.
 *   The permissive-modify control is sent (AD then ignores already-present/absent members); servers that ignore
 *   it for `member` (Samba: 68 on a duplicate add, 53 on an absent remove, batch all-or-nothing) are handled by
 *   re-reading the membership, diffing and retrying only what is still needed.
 * - Every request is counted (`countOperations()`), so tests and benchmarks can assert "0 LDAP writes".
 */
import { Attribute, Change, Control, type Entry, type SearchOptions } from 'ldapts';
import type { Connector, DirectoryConnection as Client } from './connection';
import { CancelledError, GwbError } from '../core/errors';
import type { AdGroup, AdUser, AttributeChanges, ChangedGroup, DirectoryOpCounts, MemberValueMeta } from '../model/directory';
import type { Target, TargetPrerequisites } from '../model/ports';
import { chunk, mapLimit } from './batch';
import { formatDn, formatRdn, normalizeDn, parentDnText, parseDn } from './dn';
import { ANCHOR_ATTRIBUTE, GROUP_ATTRIBUTES, USER_ATTRIBUTES, firstString, stringValues, searchAttributes, toAdGroup, toAdUser, bufferValue } from './entry';
import { DirectoryError, DuplicateAnchorError, isConnectionFailure, resultCodeOf, toDirectoryError, type DirectoryOperation } from './errors';
import { and, anyOf, eq, type Filter, ge, le, not, present, startsWith } from './filter';
import { parseReplValueMetaData } from './repl-metadata';
import { guidBytesFromAnchor } from './guid';
import { DEFAULT_RANGE_SIZE, pickRange, rangeAttribute } from './member-range';
import { DEFAULT_POOL_SIZE, LdapPool, MAX_POOL_SIZE, type PoolOptions } from './pool';
import { ReadBackQueue } from './read-back';
import { normalizeSid, sidFromBytes, sidToBytes, isSid } from './sid';

/** LDAP_SERVER_PERMISSIVE_MODIFY_OID: adding a present value / deleting an absent one is not an error (AD). */
export const PERMISSIVE_MODIFY_OID = '1.2.840.113556.1.4.1413';

export interface LdapTargetOptions {
  /** One URL or several (failover in order): `ldaps://dc1.example.com`, `ldap://dc2.example.com` (StartTLS). */
  urls: string | string[];
  /** The domain naming context, e.g. `DC=example,DC=com`. */
  baseDn: string;
  /** Service account: DN, UPN or DOMAIN\user. */
  bindDn: string;
  password: string;
  caFile?: string;
  ca?: string | Buffer;
  /** StartTLS on ldap:// URLs (default true). */
  startTls?: boolean;
  /** Pooled connections (default 4, max 10). */
  connections?: number;
  /** Member values per modify (default 1000). */
  batchSize?: number;
  /** Where managed (anchored) groups are searched; default baseDn. */
  searchBase?: string;
  /** Where users are resolved by GUID/SID; default baseDn. */
  userSearchBase?: string;
  /** Values per OR-filter lookup search (default 200, at most 1000). */
  lookupBatchSize?: number;
  /** Page size of paged searches (default 1000, AD's MaxPageSize). */
  pageSize?: number;
  /** `member;range` window (default 1500, AD's MaxValRange). */
  rangeSize?: number;
  /** Further group attributes to read (e.g. targets of custom mappings). */
  groupAttributes?: string[];
  connectTimeoutMs?: number;
  timeoutMs?: number;
  /**
   * How long a created group's read-back may wait for those of other creates under way, to be read with them in
   * one search (default 40 ms; a lone create never waits).
   */
  readBackWindowMs?: number;
  /**
   * Opens the pool's connections instead of ldapts' simple bind: the Kerberos driver (sdsp/) passes one. The
   * Target's logic (paging, ranges, batches, permissive modify, error codes, counters) is the same for both.
   */
  connector?: Connector;
}

type MemberOp = 'add' | 'delete';

/** A created group to read back: its DN and the anchor it was created with. */
interface CreatedRef {
  dn: string;
  anchor: string | undefined;
}

/** A member that could not be written because the object it names does not exist. */
export interface MemberFailure {
  member: string;
  error: DirectoryError;
}

function zeroCounts(): DirectoryOpCounts {
  return { searches: 0, adds: 0, modifies: 0, modDNs: 0, deletes: 0, writes: 0, memberValuesAdded: 0, memberValuesRemoved: 0, memberRecoveries: 0, binds: 0 };
}

function toArray(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

/** A comparison key for a member value: canonical DN, or the raw text for `<GUID=…>`/`<SID=…>` forms. */
function memberKey(value: string): string {
  try {
    return normalizeDn(value);
  } catch {
    return value.toLowerCase();
  }
}

/** `20261203075827.0Z` → ISO 8601. */
export function generalizedTimeToIso(v: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : v;
}

export class LdapTarget implements Target {
  readonly baseDn: string;
  readonly searchBase: string;
  readonly userSearchBase: string;
  private readonly pool: LdapPool;
  private readonly bindDn: string;
  private readonly batchSize: number;
  private readonly lookupBatchSize: number;
  private readonly pageSize: number;
  private readonly rangeSize: number;
  private readonly timeLimit: number;
  private readonly groupAttributes: string[];
  private readonly concurrency: number;
  private readonly poolSize: number;
  private counts = zeroCounts();
  private bindBase = 0;
  private readonly readBacks: ReadBackQueue<CreatedRef, AdGroup | null>;

  constructor(opts: LdapTargetOptions) {
    const urls = Array.isArray(opts.urls) ? opts.urls : [opts.urls];
    const poolOpts: PoolOptions = {
      urls,
      bindDn: opts.bindDn,
      password: opts.password,
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
      ...(opts.startTls !== undefined ? { startTls: opts.startTls } : {}),
      ...(opts.connections !== undefined ? { size: opts.connections } : {}),
      ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.connector ? { connector: opts.connector } : {}),
    };
    this.pool = new LdapPool(poolOpts);
    this.bindDn = opts.bindDn;
    this.baseDn = opts.baseDn;
    this.searchBase = opts.searchBase ?? opts.baseDn;
    this.userSearchBase = opts.userSearchBase ?? opts.baseDn;
    this.batchSize = Math.max(1, opts.batchSize ?? 1000);
    // ≤ 1000: a lookup's results must fit AD's MaxPageSize, as lookups are not paged.
    this.lookupBatchSize = Math.max(1, Math.min(1000, opts.lookupBatchSize ?? 200));
    this.pageSize = Math.max(1, opts.pageSize ?? 1000);
    this.rangeSize = Math.max(1, opts.rangeSize ?? DEFAULT_RANGE_SIZE);
    // The server-side search time limit follows the operation timeout (ldapts would ask for 10 s, which a busy DC
    // exceeds on a paged search of tens of thousands of groups: "Indexed and full searches both failed").
    this.timeLimit = Math.ceil((opts.timeoutMs ?? 30_000) / 1000);
    this.groupAttributes = [...new Set([...GROUP_ATTRIBUTES, ...(opts.groupAttributes ?? [])])];
    this.poolSize = Math.max(1, Math.min(opts.connections ?? DEFAULT_POOL_SIZE, MAX_POOL_SIZE));
    this.concurrency = Math.min(this.poolSize, 4);
    this.readBacks = new ReadBackQueue({
      many: (refs) => this.readCreated(refs),
      one: (ref) => this.readGroup(ref.dn),
      windowMs: Math.max(0, opts.readBackWindowMs ?? 40),
      maxBatch: this.lookupBatchSize,
    });
  }

  // ---- counters -------------------------------------------------------------------------------------------

  /** LDAP requests sent since creation or the last `resetOperationCounts()`. */
  countOperations(): DirectoryOpCounts {
    const c = { ...this.counts };
    c.writes = c.adds + c.modifies + c.modDNs + c.deletes;
    c.binds = this.pool.stats().connects - this.bindBase;
    return c;
  }

  reviveConnections(): void {
    this.pool.revive();
  }

  resetOperationCounts(): void {
    this.counts = zeroCounts();
    this.bindBase = this.pool.stats().connects;
  }

  // ---- low-level, counted, error-mapped requests ----------------------------------------------------------

  private fail(err: unknown, operation: DirectoryOperation, dn?: string, attributes?: string[]): DirectoryError {
    return toDirectoryError(err, { operation, dn, bindDn: this.bindDn, attributes });
  }

  private async search(client: Client, base: string, options: SearchOptions): Promise<Entry[]> {
    this.counts.searches++;
    try {
      const res = await client.search(base, { timeLimit: this.timeLimit, ...options });
      return res.searchEntries; // continuation references (other NCs) are ignored on purpose
    } catch (err) {
      throw this.fail(err, 'search', base);
    }
  }

  /** A base-scope read of one entry; null when it does not exist. */
  private async readEntry(client: Client, dn: string, attributes: string[]): Promise<Entry | null> {
    try {
      const entries = await this.search(client, dn, { scope: 'base', filter: present('objectClass'), ...searchAttributes(attributes) });
      return entries[0] ?? null;
    } catch (err) {
      if (resultCodeOf(err) === 32) return null;
      throw err;
    }
  }

  private async modify(client: Client, dn: string, changes: Change[], attributes: string[]): Promise<void> {
    this.counts.modifies++;
    try {
      await client.modify(dn, changes, new Control(PERMISSIVE_MODIFY_OID, { critical: false }));
    } catch (err) {
      throw this.fail(err, 'modify', dn, attributes);
    }
  }

  // ---- reads ----------------------------------------------------------------------------------------------

  /** Check that the service account can bind and read the base DN (a config/credentials check). */
  async checkConnection(): Promise<{ url: string; baseDn: string }> {
    return this.pool.use(async (client, { url }) => {
      const e = await this.readEntry(client, this.baseDn, ['distinguishedName']);
      if (!e) {
        throw new DirectoryError(`The base DN ${this.baseDn} does not exist or is not readable.`, {
          operation: 'search',
          dn: this.baseDn,
          url,
          resultCode: 32,
          code: 'NoSuchObject',
          category: 'ObjectNotFound',
          hint: 'Set the directory base DN to the domain naming context (e.g. DC=example,DC=com).',
        });
      }
      return { url, baseDn: e.dn };
    });
  }

  /**
   * Before a cycle's first write: the schema has the anchor attribute; each container exists; and, where the DC
   * computes allowedChildClassesEffective (AD and Samba do), the account may create groups in it.
   */
  async checkPrerequisites(containers: string[]): Promise<TargetPrerequisites> {
    return this.pool.use(async (client) => {
      const out: TargetPrerequisites = { anchorAttributeMissing: false, missingContainers: [], noCreateRights: [] };
      const root = await this.readEntry(client, '', ['schemaNamingContext']);
      const schemaDn = root ? firstString(root, 'schemaNamingContext') : undefined;
      if (schemaDn) {
        out.schemaDn = schemaDn;
        const found = await this.search(client, schemaDn, { scope: 'one', filter: eq('lDAPDisplayName', ANCHOR_ATTRIBUTE), attributes: ['lDAPDisplayName'] });
        out.anchorAttributeMissing = found.length === 0;
      }
      for (const dn of containers) {
        const e = await this.readEntry(client, dn, ['objectClass', 'allowedChildClassesEffective']);
        if (!e) {
          out.missingContainers.push(dn);
          continue;
        }
        const classes = stringValues(e, 'allowedChildClassesEffective').map((c) => c.toLowerCase());
        if (!classes.includes('group')) out.noCreateRights.push(dn);
      }
      return out;
    });
  }

  /**
   * Anchored groups, page by page. A paged search keeps its connection while the caller consumes the pages, so
   * with a single pooled connection all pages are read first (the caller may call other methods in between).
   */
  async *listAnchoredGroups(signal?: AbortSignal): AsyncIterable<AdGroup[]> {
    if (this.poolSize === 1) {
      const all: AdGroup[][] = [];
      for await (const page of this.pagedGroups(signal)) all.push(page);
      yield* all;
      return;
    }
    yield* this.pagedGroups(signal);
  }

  /** Groups marked by Entra Connect group writeback (adminDescription Group_…) without an anchor, page by page. */
  listUnanchoredConnectGroups(signal?: AbortSignal): AsyncIterable<AdGroup[]> {
    return this.listConnectGroups(signal, { unanchoredOnly: true });
  }

  /** Groups marked by Entra Connect group writeback (adminDescription Group_…) under the search base, page by page. */
  async *listConnectGroups(signal?: AbortSignal, opts: { unanchoredOnly?: boolean } = {}): AsyncIterable<AdGroup[]> {
    const marked = and(eq('objectClass', 'group'), startsWith('adminDescription', 'Group_'));
    const filter = opts.unanchoredOnly ? and(marked, not(present(ANCHOR_ATTRIBUTE))) : marked;
    if (this.poolSize === 1) {
      const all: AdGroup[][] = [];
      for await (const page of this.pagedGroups(signal, filter)) all.push(page);
      yield* all;
      return;
    }
    yield* this.pagedGroups(signal, filter);
  }

  async findByAdminDescription(value: string): Promise<AdGroup[]> {
    return this.searchGroups(and(eq('objectClass', 'group'), eq('adminDescription', value)));
  }

  private async *pagedGroups(signal?: AbortSignal, filter: Filter = and(eq('objectClass', 'group'), startsWith(ANCHOR_ATTRIBUTE, 'Group_'))): AsyncIterable<AdGroup[]> {
    const lease = await this.pool.lease();
    let broken = false;
    try {
      const pages = lease.client.searchPaginated(this.searchBase, {
        scope: 'sub',
        filter,
        paged: { pageSize: this.pageSize },
        timeLimit: this.timeLimit,
        ...searchAttributes(this.groupAttributes),
      });
      for (;;) {
        if (signal?.aborted) throw new CancelledError();
        this.counts.searches++;
        let step: IteratorResult<{ searchEntries: Entry[] }>;
        try {
          step = await pages.next();
        } catch (err) {
          const e = this.fail(err, 'search', this.searchBase);
          broken = isConnectionFailure(e);
          if (broken) {
            lease.release(true, e);
            throw this.pool.unavailableError ?? e;
          }
          throw e;
        }
        if (step.done) {
          this.counts.searches--; // the generator's end is not a request
          break;
        }
        // Samba ends with an empty page: skip it.
        if (step.value.searchEntries.length > 0) yield step.value.searchEntries.map((e) => toAdGroup(e, this.groupAttributes));
      }
    } finally {
      lease.release(broken);
    }
  }

  /** One group by DN with its attributes (no members), or null if there is no entry there. */
  async readGroup(dn: string, extraAttributes: string[] = []): Promise<AdGroup | null> {
    const attrs = [...new Set([...this.groupAttributes, ...extraAttributes])];
    const entry = await this.pool.use((client) => this.readEntry(client, dn, attrs));
    return entry ? toAdGroup(entry, attrs) : null;
  }

  /**
   * Groups just created, found by their anchors with one search per parent container; a group counts only if its
   * DN and anchor are the ones created. Refs without an anchor, or not found, are absent (read alone). The filter
   * is the anchors alone (indexed): with objectClass=group beside it, or a one-level scope, Samba loads the index
   * list of every group, or of every child of the container, for each search.
   */
  private async readCreated(refs: CreatedRef[]): Promise<Map<CreatedRef, AdGroup>> {
    const byParent = new Map<string, CreatedRef[]>();
    for (const ref of refs) {
      const parent = ref.anchor === undefined ? undefined : parentDnText(ref.dn);
      if (parent === undefined) continue;
      byParent.set(parent, [...(byParent.get(parent) ?? []), ref]);
    }
    const out = new Map<CreatedRef, AdGroup>();
    await mapLimit([...byParent], this.concurrency, async ([parent, inParent]) => {
      const filter = anyOf(ANCHOR_ATTRIBUTE, inParent.map((r) => r.anchor!));
      const entries = await this.pool.use((client) => this.search(client, parent, { scope: 'sub', filter, ...searchAttributes(this.groupAttributes) }));
      const found = new Map<string, AdGroup>();
      for (const e of entries) {
        const g = toAdGroup(e, this.groupAttributes);
        if (g.anchor) found.set(`${g.anchor.toLowerCase()}\n${normalizeDn(g.dn)}`, g);
      }
      for (const ref of inParent) {
        const g = found.get(`${ref.anchor!.toLowerCase()}\n${normalizeDn(ref.dn)}`);
        if (g) out.set(ref, g);
      }
    });
    return out;
  }

  private async searchGroups(filter: Filter): Promise<AdGroup[]> {
    const entries = await this.pool.use((client) =>
      // Bounded lookups (a few anchors or ids, ≤ lookupBatchSize values): one unpaged request.
      this.search(client, this.searchBase, { scope: 'sub', filter, ...searchAttributes(this.groupAttributes) }),
    );
    return entries.map((e) => toAdGroup(e, this.groupAttributes));
  }

  async findByAnchor(anchor: string): Promise<AdGroup[]> {
    return this.searchGroups(and(eq('objectClass', 'group'), eq(ANCHOR_ATTRIBUTE, anchor)));
  }

  /** The one group with this anchor, null if none; DuplicateAnchorError (DuplicateTargetEntries) if several. */
  async findOneByAnchor(anchor: string): Promise<AdGroup | null> {
    const found = await this.findByAnchor(anchor);
    if (found.length > 1) throw new DuplicateAnchorError(anchor, found.map((g) => g.dn));
    return found[0] ?? null;
  }

  /** Groups for many anchors at once (OR-filters in batches); every input anchor is a key (maybe with []). */
  async findByAnchors(anchors: string[]): Promise<Map<string, AdGroup[]>> {
    const out = new Map<string, AdGroup[]>();
    const unique = [...new Set(anchors)];
    for (const a of unique) out.set(a, []);
    const byLower = new Map(unique.map((a) => [a.toLowerCase(), a]));
    await mapLimit(chunk(unique, this.lookupBatchSize), this.concurrency, async (batch) => {
      for (const g of await this.searchGroups(and(eq('objectClass', 'group'), anyOf(ANCHOR_ATTRIBUTE, batch)))) {
        const key = g.anchor ? byLower.get(g.anchor.toLowerCase()) : undefined;
        if (key) out.get(key)!.push(g);
      }
    });
    return out;
  }

  async findBySid(sid: string): Promise<AdGroup | null> {
    if (!isSid(sid)) return null;
    const found = await this.searchGroups(and(eq('objectClass', 'group'), eq('objectSid', sidToBytes(sid))));
    return found[0] ?? null;
  }

  // ---- drift detection ----------------------------------------------------------------------------------

  /** rootDSE highestCommittedUSN of the DC this pool talks to. */
  async highestCommittedUsn(): Promise<string> {
    const e = await this.pool.use((client) => this.readEntry(client, '', ['highestCommittedUSN']));
    const v = e ? firstString(e, 'highestCommittedUSN') : undefined;
    if (!v || !/^\d+$/.test(v)) {
      throw new DirectoryError('The directory did not return highestCommittedUSN on its rootDSE.', {
        operation: 'search', dn: '', resultCode: 0, code: 'NoHighestCommittedUsn', category: 'InvalidResult',
        hint: 'Point the configuration at an Active Directory domain controller (not a GC-only or LDAP proxy).',
      });
    }
    return v;
  }

  /**
   * Anchored groups with `after` < uSNChanged ≤ `upTo`, under each of `bases` (default the search base): one
   * indexed search per base. USNs are per DC: the caller keeps using the same DC (the first URL) for this.
   */
  async findChangedGroups(after: string, upTo: string | undefined, bases?: string[]): Promise<ChangedGroup[]> {
    const from = (BigInt(after) + 1n).toString();
    const filter = and(eq('objectClass', 'group'), startsWith(ANCHOR_ATTRIBUTE, 'Group_'), ge('uSNChanged', from), ...(upTo ? [le('uSNChanged', upTo)] : []));
    const attrs = ['objectGUID', ANCHOR_ATTRIBUTE, 'uSNChanged', 'whenChanged'];
    const out = new Map<string, ChangedGroup>();
    for (const base of bases?.length ? bases : [this.searchBase]) {
      const entries = await this.pool.use(async (client) => {
        try {
          return await this.search(client, base, { scope: 'sub', filter, paged: { pageSize: this.pageSize }, ...searchAttributes(attrs) });
        } catch (err) {
          if (resultCodeOf(err) === 32) return []; // the container is gone: nothing changed there
          throw err;
        }
      });
      for (const e of entries) {
        const g = toAdGroup(e, attrs);
        const when = firstString(e, 'whenChanged');
        out.set(normalizeDn(g.dn), {
          dn: g.dn, objectGuid: g.objectGuid, anchor: g.anchor, usnChanged: firstString(e, 'uSNChanged') ?? '0',
          ...(when ? { whenChanged: generalizedTimeToIso(when) } : {}),
        });
      }
    }
    return [...out.values()];
  }

  async readUserLogon(dn: string): Promise<{ lastLogon?: string; lastLogonTimestamp?: string }> {
    const e = await this.pool.use((client) => this.readEntry(client, dn, ['lastLogon', 'lastLogonTimestamp']));
    const out: { lastLogon?: string; lastLogonTimestamp?: string } = {};
    for (const k of ['lastLogon', 'lastLogonTimestamp'] as const) {
      const v = e ? firstString(e, k) : undefined;
      if (v && /^\d+$/.test(v) && v !== '0' && v !== '9223372036854775807') out[k] = new Date(Number(BigInt(v) / 10000n - 11644473600000n)).toISOString();
    }
    return out;
  }

  /** msDS-ReplValueMetaData of `member` ([] when the server does not serve it, as Samba). */
  async memberValueMetadata(dn: string): Promise<MemberValueMeta[]> {
    const e = await this.pool.use((client) => this.readEntry(client, dn, ['msDS-ReplValueMetaData']));
    return e ? parseReplValueMetaData(e['msDS-ReplValueMetaData'] === undefined ? [] : ([] as unknown[]).concat(e['msDS-ReplValueMetaData']).map(String)) : [];
  }

  /**
   * Users by objectGUID, in bulk. Inputs may be GUID strings (onPremisesObjectIdentifier) or base64 immutableIds
   * (onPremisesImmutableId); the map is keyed by the input value. Inputs that are neither, or not found, are absent.
   */
  async resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>> {
    const wanted = new Map<string, string[]>(); // hex bytes → inputs
    const values: Buffer[] = [];
    for (const g of new Set(guids)) {
      const bytes = guidBytesFromAnchor(g);
      if (!bytes) continue;
      const hex = bytes.toString('hex');
      if (!wanted.has(hex)) {
        wanted.set(hex, []);
        values.push(bytes);
      }
      wanted.get(hex)!.push(g);
    }
    return this.resolveUsers('objectGUID', values, wanted, (e) => bufferValue(e, 'objectGUID')?.toString('hex'));
  }

  /** Users by objectSid (`S-1-5-21-…`), in bulk; keyed by the input value. */
  async resolveUsersBySid(sids: string[]): Promise<Map<string, AdUser>> {
    const wanted = new Map<string, string[]>(); // canonical SID → inputs
    const values: Buffer[] = [];
    for (const s of new Set(sids)) {
      if (!isSid(s)) continue;
      const canonical = normalizeSid(s);
      if (!wanted.has(canonical)) {
        wanted.set(canonical, []);
        values.push(sidToBytes(canonical));
      }
      wanted.get(canonical)!.push(s);
    }
    return this.resolveUsers('objectSid', values, wanted, (e) => {
      const b = bufferValue(e, 'objectSid');
      return b ? sidFromBytes(b) : undefined;
    });
  }

  private async resolveUsers(
    attribute: string,
    values: Buffer[],
    wanted: Map<string, string[]>,
    keyOf: (e: Entry) => string | undefined,
  ): Promise<Map<string, AdUser>> {
    const out = new Map<string, AdUser>();
    await mapLimit(chunk(values, this.lookupBatchSize), this.concurrency, async (batch) => {
      const filter = and(eq('objectCategory', 'person'), eq('objectClass', 'user'), anyOf(attribute, batch));
      const entries = await this.pool.use((client) =>
        this.search(client, this.userSearchBase, { scope: 'sub', filter, ...searchAttributes(USER_ATTRIBUTES) }),
      );
      for (const e of entries) {
        const key = keyOf(e);
        for (const input of (key && wanted.get(key)) || []) out.set(input, toAdUser(e));
      }
    });
    return out;
  }

  async readMembers(dn: string): Promise<string[]> {
    return this.pool.use(async (client) => {
      const members: string[] = [];
      for (let lo = 0; ; ) {
        const attr = rangeAttribute(lo, this.rangeSize);
        const entries = await this.search(client, dn, { scope: 'base', filter: present('objectClass'), attributes: [attr] });
        if (entries.length === 0) {
          throw this.fail(Object.assign(new Error(`No entry ${dn}`), { code: 32 }), 'search', dn);
        }
        const window = pickRange(entries[0], lo);
        members.push(...window.values);
        if (window.next === null || window.values.length === 0) break;
        if (window.next <= lo) throw new GwbError(`The directory returned a member range that does not advance (${attr}).`, { category: 'InvalidResult', target: dn });
        lo = window.next;
      }
      return members;
    });
  }

  // ---- writes ---------------------------------------------------------------------------------------------

  async createGroup(dn: string, attributes: AttributeChanges): Promise<AdGroup> {
    const attrs: Record<string, string[]> = {};
    let members: string[] = [];
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null) continue;
      const vals = toArray(value).filter((v) => v !== '');
      if (vals.length === 0) continue;
      if (name.toLowerCase() === 'member') members = vals;
      else attrs[name] = vals;
    }
    if (!Object.keys(attrs).some((k) => k.toLowerCase() === 'objectclass')) attrs.objectClass = ['group'];
    const unique = this.uniqueMembers(members);
    const inline = unique.slice(0, this.batchSize);
    if (inline.length) attrs.member = inline;
    const anchor = Object.entries(attrs).find(([k]) => k.toLowerCase() === ANCHOR_ATTRIBUTE.toLowerCase())?.[1][0];

    const readBack = this.readBacks.begin();
    try {
      // 'created': with the inline members; 'bare': created without members (one of them does not exist);
      // 'existed': the entry was there already with our anchor (a retried or interrupted add).
      const outcome = await this.pool.use(async (client): Promise<'created' | 'bare' | 'existed'> => {
        this.counts.adds++;
        if (inline.length) this.counts.memberValuesAdded += inline.length;
        try {
          await client.add(dn, attrs);
          return 'created';
        } catch (err) {
          const e = this.fail(err, 'add', dn, Object.keys(attrs));
          if (e.resultCode === 68 && anchor !== undefined) {
            const existing = await this.readEntry(client, dn, [ANCHOR_ATTRIBUTE]);
            if (existing && firstString(existing, ANCHOR_ATTRIBUTE)?.toLowerCase() === anchor.toLowerCase()) return 'existed';
          }
          if (e.resultCode === 32 && inline.length) {
            // A missing member DN fails the whole add with 32, like a missing parent: retry without members,
            // then write them in batches (which isolates and reports the missing ones).
            const bare = { ...attrs };
            delete bare.member;
            this.counts.adds++;
            try {
              await client.add(dn, bare);
            } catch (err2) {
              throw this.fail(err2, 'add', dn, Object.keys(bare));
            }
            return 'bare';
          }
          throw e;
        }
      });
      // (outside the lease: member writes take their own connection)
      const rest = outcome === 'created' ? unique.slice(inline.length) : unique;
      if (rest.length) await this.writeMembers(dn, rest, 'add');
    } catch (err) {
      readBack.cancel();
      throw err;
    }
    // Read back with the creates finishing around this one (one search for several; a miss is read alone).
    const group = await readBack.read({ dn, anchor });
    if (!group) {
      throw new DirectoryError(`Created ${dn} but cannot read it back.`, { operation: 'search', dn, code: 'NoSuchObject', category: 'ObjectNotFound', hint: 'Check that the service account can read the target container.' });
    }
    return group;
  }

  async modifyGroup(dn: string, changes: AttributeChanges): Promise<void> {
    const list: Change[] = [];
    for (const [name, value] of Object.entries(changes)) {
      if (name.toLowerCase() === 'member') {
        throw new GwbError('Membership is written with addMembers/removeMembers, never replaced by modifyGroup.', { category: 'InvalidArgument', target: dn });
      }
      if (['cn', 'name', 'distinguishedname'].includes(name.toLowerCase())) {
        throw new GwbError(`${name} changes through moveGroup (modify DN), not modifyGroup.`, { category: 'InvalidArgument', target: dn });
      }
      const values = value === null ? [] : toArray(value).filter((v) => v !== '');
      // replace with no values deletes the attribute when present and is a no-op when absent (RFC 4511 §4.6).
      list.push(new Change({ operation: 'replace', modification: new Attribute({ type: name, values }) }));
    }
    if (list.length === 0) return;
    await this.pool.use((client) => this.modify(client, dn, list, Object.keys(changes)));
  }

  async moveGroup(dn: string, newDn: string): Promise<string> {
    const from = formatDn(parseDn(dn));
    const rdns = parseDn(newDn);
    const to = formatDn(rdns);
    // Attribute types compare case-insensitively; values exactly (a case-only rename is a rename).
    const exact = (x: string): string => formatDn(parseDn(x).map((r) => r.map((a) => ({ type: a.type.toLowerCase(), value: a.value }))));
    if (exact(from) === exact(to)) return from;
    // ldapts splits the new DN at the first comma not preceded by a backslash, which misreads a value ending in
    // an escaped backslash (`\\,`). Writing backslashes as `\5C` in the new RDN makes the split unambiguous.
    const rdnText = formatRdn(rdns[0]).replace(/\\\\/g, '\\5C');
    const superior = formatDn(rdns.slice(1));
    const target = superior ? `${rdnText},${superior}` : rdnText;
    await this.pool.use(async (client, { attempt }) => {
      this.counts.modDNs++;
      try {
        await client.modifyDN(from, target);
      } catch (err) {
        const e = this.fail(err, 'modifyDN', from);
        // A retry after a dropped connection: the first attempt may have landed.
        if (attempt > 0 && e.resultCode === 32 && (await this.readEntry(client, to, ['objectClass']))) return;
        if (e.resultCode === 80 || e.resultCode === 32) {
          throw new DirectoryError(`Cannot move ${from} to ${to}: ${e.serverMessage ?? e.message}`, {
            operation: 'modifyDN',
            dn: from,
            resultCode: e.resultCode,
            serverMessage: e.serverMessage,
            code: 'NoSuchObject',
            category: 'ObjectNotFound',
            hint: `The group or the container ${superior} does not exist: create the container or fix the target container in the configuration.`,
            cause: err,
          });
        }
        throw e;
      }
    });
    return to;
  }

  async deleteGroup(dn: string): Promise<void> {
    await this.pool.use(async (client, { attempt }) => {
      this.counts.deletes++;
      try {
        await client.del(dn);
      } catch (err) {
        const e = this.fail(err, 'delete', dn);
        if (attempt > 0 && e.resultCode === 32) return; // the first attempt landed
        throw e;
      }
    });
  }

  async addMembers(dn: string, memberDns: string[]): Promise<void> {
    await this.writeMembers(dn, this.uniqueMembers(memberDns), 'add');
  }

  async removeMembers(dn: string, memberDns: string[]): Promise<void> {
    await this.writeMembers(dn, this.uniqueMembers(memberDns), 'delete');
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  // ---- membership batches -----------------------------------------------------------------------------------

  private uniqueMembers(values: string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const v of values) {
      const k = memberKey(v);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(v);
    }
    return out;
  }

  /**
   * Write member values in batches. On "already present" (68/20) for an add or "not present" (53/16) for a
   * delete, the membership is read once, the batch is diffed and only what is still needed is sent again; the
   * read membership then pre-filters later batches. If that still fails (a concurrent writer, values not
   * comparable as DNs) the batch is split until single values, whose "already done" errors are ignored.
   * Members whose objects do not exist (32) are isolated the same way; the rest is written, then one error
   * lists them.
   */
  private async writeMembers(dn: string, values: string[], op: MemberOp): Promise<void> {
    const state: { known?: Set<string>; groupChecked?: boolean; failures: MemberFailure[] } = { failures: [] };
    for (const batch of chunk(values, this.batchSize)) {
      await this.writeMemberBatch(dn, batch, op, state, true);
    }
    if (state.failures.length) {
      const members = state.failures.map((f) => f.member);
      throw new DirectoryError(
        `${members.length} member(s) of ${dn} could not be ${op === 'add' ? 'added' : 'removed'} because the objects do not exist: ${members.slice(0, 5).join('; ')}${members.length > 5 ? '; …' : ''}`,
        {
          operation: 'modify',
          dn,
          resultCode: 32,
          code: 'MemberNotFound',
          category: 'ObjectNotFound',
          target: { group: dn, members },
          hint: 'The member objects were deleted or moved since they were resolved; they are resolved again next cycle.',
          cause: state.failures[0].error,
        },
      );
    }
  }

  private pending(values: string[], op: MemberOp, known: Set<string> | undefined): string[] {
    if (!known) return values;
    return values.filter((v) => (op === 'add' ? !known.has(memberKey(v)) : known.has(memberKey(v))));
  }

  private async writeMemberBatch(
    dn: string,
    batch: string[],
    op: MemberOp,
    state: { known?: Set<string>; groupChecked?: boolean; failures: MemberFailure[] },
    mayReread: boolean,
  ): Promise<void> {
    const values = this.pending(batch, op, state.known);
    if (values.length === 0) return;
    try {
      await this.pool.use((client) => {
        if (op === 'add') this.counts.memberValuesAdded += values.length;
        else this.counts.memberValuesRemoved += values.length;
        return this.modify(client, dn, [new Change({ operation: op, modification: new Attribute({ type: 'member', values }) })], ['member']);
      });
      if (state.known) for (const v of values) op === 'add' ? state.known.add(memberKey(v)) : state.known.delete(memberKey(v));
      return;
    } catch (err) {
      const rc = resultCodeOf(err);
      const alreadyDone = op === 'add' ? rc === 68 || rc === 20 : rc === 53 || rc === 16;
      if (alreadyDone && mayReread) {
        this.counts.memberRecoveries++;
        state.known = new Set((await this.readMembers(dn)).map(memberKey));
        return this.writeMemberBatch(dn, values, op, state, false);
      }
      if (alreadyDone && values.length === 1) return; // this value is already as wanted
      if (rc === 32) {
        if (!state.groupChecked) {
          if (!(await this.readGroup(dn))) throw err; // the group itself is gone
          state.groupChecked = true;
        }
        if (values.length === 1) {
          if (op === 'delete') return; // a member that no longer exists is not a member
          state.failures.push({ member: values[0], error: err as DirectoryError });
          return;
        }
      }
      if ((alreadyDone || rc === 32) && values.length > 1) {
        const half = Math.ceil(values.length / 2);
        await this.writeMemberBatch(dn, values.slice(0, half), op, state, false);
        await this.writeMemberBatch(dn, values.slice(half), op, state, false);
        return;
      }
      throw err;
    }
  }
}
