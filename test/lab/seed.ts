/**
 * Seeding "synced users" as Entra Connect would have made them: create the users in the Samba AD (one bound
 * admin connection, pipelined adds), read objectGUID/objectSid back over LDAP, and create the same users in the
 * Graph emulator with onPremisesSyncEnabled and the onPremises* attributes taken from AD. Plus cloud-only users.
 */
import { EqualityFilter, type Client, type Filter } from 'ldapts';
import { guidBytesToString, immutableIdFromGuidBytes, sidBytesToString } from './ad-ids';
import type { DcHandle } from './samba/dc';
import { escapeRdnValue } from './samba/dn';
import { LabError } from './samba/errors';
import type { GraphUser } from './graph/types';
import { readUserRecords, spread, writeUserRecords, type AdUserFields } from './user-records';

/** What the lab needs of the emulator's store (B's TenantStore satisfies it). */
export interface UserStore {
  addUser(input: Partial<GraphUser>): GraphUser;
}

export interface AdUserSpec {
  /** sAMAccountName, at most 20 characters. */
  samAccountName: string;
  userPrincipalName: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  mail?: string;
  /** RDN value; default displayName, else samAccountName. */
  cn?: string;
  /** Parent container; default the DC's usersOu. */
  ou?: string;
}

export interface AdUserRecord {
  spec: AdUserSpec;
  dn: string;
  samAccountName: string;
  userPrincipalName: string;
  /** Lowercase dashed GUID decoded from the raw objectGUID. */
  objectGuid: string;
  /** The 16 raw objectGUID bytes as stored in AD. */
  objectGuidBytes: Buffer;
  objectSid: string;
  /** base64(objectGUID bytes): Entra Connect's default sourceAnchor. */
  immutableId: string;
}

export interface CreateAdUsersOptions {
  /** An admin-bound client to reuse; default: a new one, unbound afterwards. */
  client?: Client;
  /** Adds in flight on the one connection (Samba serialises writes; ~32 keeps it busy). */
  inFlight?: number;
  /** The users exist already (a DC cloned from a seeded snapshot): only read them back. */
  existing?: boolean;
  /**
   * The snapshot's user records file (user-records.ts): with `existing`, taken instead of reading every user back
   * when a sample of it matches the DC; written after a read-back over LDAP when there is none (or it differs).
   */
  recordsFile?: string;
  log?: (msg: string) => void;
}

/** Write a snapshot's user records file; a failure only costs the next clone a read-back over LDAP. */
export function keepUserRecords(path: string, records: readonly AdUserFields[], log?: (msg: string) => void): void {
  try {
    writeUserRecords(path, records);
  } catch (err) {
    log?.(`seed: could not keep the AD user records in ${path} (${(err as Error).message}): the next clone reads them over LDAP`);
  }
}

/** Users checked over LDAP before a records file is trusted. */
const RECORDS_SAMPLE = 16;

const MAX_SAM = 20;

function validate(spec: AdUserSpec): void {
  if (!spec.samAccountName || spec.samAccountName.length > MAX_SAM || /["/\\[\]:;|=,+*?<>@]/.test(spec.samAccountName)) {
    throw new LabError(`Invalid sAMAccountName "${spec.samAccountName}" for a lab user.`, {
      target: spec.samAccountName, category: 'InvalidArgument',
      hint: `At most ${MAX_SAM} characters, none of " / \\ [ ] : ; | = , + * ? < > @`,
    });
  }
}

async function withAdmin<T>(dc: DcHandle, client: Client | undefined, fn: (c: Client) => Promise<T>): Promise<T> {
  if (client) return fn(client);
  const c = await dc.connect('admin');
  try {
    return await fn(c);
  } finally {
    await c.unbind().catch(() => {});
  }
}

/** Run `fn` over `items` with at most `limit` promises pending (pipelining on one LDAP connection). */
async function pipelined<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function single(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** Read users (DN, sAMAccountName, UPN, objectGUID, objectSid) under `base`, keyed by lowercase sAMAccountName. */
export async function readAdUsers(client: Client, base: string, filter: string | Filter = '(&(objectCategory=person)(objectClass=user))'): Promise<Map<string, AdUserFields>> {
  const { searchEntries } = await client.search(base, {
    scope: 'sub',
    filter,
    attributes: ['sAMAccountName', 'userPrincipalName', 'objectGUID', 'objectSid'],
    explicitBufferAttributes: ['objectGUID', 'objectSid'],
    paged: { pageSize: 1000 },
    // No server time limit (ldapts asks for 10 s): on a loaded machine Samba's search of many users takes longer.
    timeLimit: 0,
  });
  const out = new Map<string, AdUserFields>();
  for (const e of searchEntries) {
    const guid = single(e.objectGUID) as Buffer;
    const sid = single(e.objectSid) as Buffer;
    const sam = String(single(e.sAMAccountName));
    out.set(sam.toLowerCase(), {
      dn: e.dn,
      samAccountName: sam,
      userPrincipalName: String(single(e.userPrincipalName) ?? ''),
      objectGuid: guidBytesToString(guid),
      objectGuidBytes: Buffer.from(guid),
      objectSid: sidBytesToString(sid),
      immutableId: immutableIdFromGuidBytes(guid),
    });
  }
  return out;
}

/**
 * Compare the records of the sampled users with what the DC holds (one search by sAMAccountName each, read as
 * readAdUsers reads every user). Returns null when every one matches, else what differs.
 */
export async function checkUserRecords(client: Client, sample: readonly { sam: string; base: string }[], records: ReadonlyMap<string, AdUserFields>): Promise<string | null> {
  for (const { sam, base } of sample) {
    const want = records.get(sam.toLowerCase());
    if (!want) return `${sam} is not in the file`;
    const found = await readAdUsers(client, base, new EqualityFilter({ attribute: 'sAMAccountName', value: sam }));
    const got = found.get(sam.toLowerCase());
    if (found.size !== 1 || !got) return `${sam}: ${found.size} entries in AD`;
    for (const k of ['dn', 'samAccountName', 'userPrincipalName', 'objectGuid', 'objectSid'] as const) {
      if (got[k] !== want[k]) return `${sam}: ${k} is ${JSON.stringify(got[k])} in AD, ${JSON.stringify(want[k])} in the file`;
    }
  }
  return null;
}

/** Create the users in AD and return them as read back (same order as `specs`). */
export async function createAdUsers(dc: DcHandle, specs: AdUserSpec[], opts: CreateAdUsersOptions = {}): Promise<AdUserRecord[]> {
  specs.forEach(validate);
  if (specs.length === 0) return [];
  return withAdmin(dc, opts.client, async (client) => {
    const dnOf = (s: AdUserSpec): string => `CN=${escapeRdnValue(s.cn ?? s.displayName ?? s.samAccountName)},${s.ou ?? dc.usersOu}`;
    if (!opts.existing) await pipelined(specs, opts.inFlight ?? 32, async (s) => {
      const attrs: Record<string, string | string[]> = {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: s.samAccountName,
        userPrincipalName: s.userPrincipalName,
      };
      if (s.displayName) attrs.displayName = s.displayName;
      if (s.givenName) attrs.givenName = s.givenName;
      if (s.surname) attrs.sn = s.surname;
      if (s.mail) attrs.mail = s.mail;
      try {
        await client.add(dnOf(s), attrs);
      } catch (err) {
        throw new LabError(`Creating AD user ${dnOf(s)} failed: ${(err as Error).message}`, {
          target: dnOf(s), category: 'WriteError', hint: 'sAMAccountName, UPN and CN must be unique in the lab domain.', cause: err,
        });
      }
    });
    const pick = (found: ReadonlyMap<string, AdUserFields>): AdUserRecord[] | null => {
      const out: AdUserRecord[] = [];
      for (const spec of specs) {
        const rec = found.get(spec.samAccountName.toLowerCase());
        if (!rec) return null;
        out.push({ spec, ...rec });
      }
      return out;
    };
    const file = opts.existing && opts.recordsFile ? readUserRecords(opts.recordsFile) : null;
    if (file) {
      const fromFile = pick(file);
      const sample = spread(specs, RECORDS_SAMPLE).map((s) => ({ sam: s.samAccountName, base: s.ou ?? dc.usersOu }));
      const differs = fromFile ? await checkUserRecords(client, sample, file) : 'not every user is in it';
      if (!differs) {
        opts.log?.(`seed: ${specs.length} AD users from ${opts.recordsFile} (${sample.length} checked over LDAP)`);
        return fromFile!;
      }
      opts.log?.(`seed: ${opts.recordsFile} does not match the DC (${differs}): reading the users over LDAP`);
    }
    const bases = [...new Set(specs.map((s) => s.ou ?? dc.usersOu))];
    const found = new Map<string, AdUserFields>();
    for (const b of bases) for (const [k, v] of await readAdUsers(client, b)) found.set(k, v);
    const out = pick(found);
    if (!out) {
      const lost = specs.find((s) => !found.has(s.samAccountName.toLowerCase()))!;
      throw new LabError(`AD user ${lost.samAccountName} was created but not found again.`, { target: lost.samAccountName });
    }
    if (opts.existing && opts.recordsFile) keepUserRecords(opts.recordsFile, out, opts.log);
    return out;
  });
}

/** The Graph user Entra Connect would have created for an AD user. */
export function syncedGraphUser(rec: AdUserRecord, dc: Pick<DcHandle, 'domain'>, extra: Partial<GraphUser> = {}): Partial<GraphUser> {
  const s = rec.spec;
  return {
    displayName: s.displayName ?? rec.samAccountName,
    givenName: s.givenName ?? null,
    surname: s.surname ?? null,
    mail: s.mail ?? null,
    mailNickname: rec.samAccountName,
    userPrincipalName: rec.userPrincipalName,
    accountEnabled: true,
    ...extra,
    onPremisesSyncEnabled: true,
    onPremisesSecurityIdentifier: rec.objectSid,
    onPremisesImmutableId: rec.immutableId,
    onPremisesDistinguishedName: rec.dn,
    onPremisesSamAccountName: rec.samAccountName,
    onPremisesDomainName: dc.domain,
    onPremisesUserPrincipalName: rec.userPrincipalName,
    onPremisesLastSyncDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

const GIVEN = ['Ada', 'Ben', 'Chloe', 'Dan', 'Eva', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jon', 'Kim', 'Leo', 'Mia', 'Nils', 'Olga', 'Per'];
const SUR = ['Adams', 'Berg', 'Costa', 'Dahl', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Khan', 'Lund', 'Meyer', 'Novak'];

/** `n` generated user specs: <prefix>00001 … with names, UPN <sam>@<domain>. */
export function generateUserSpecs(n: number, opts: { prefix?: string; start?: number; domain: string }): AdUserSpec[] {
  const prefix = opts.prefix ?? 'user';
  const start = opts.start ?? 1;
  const width = Math.max(5, String(start + n - 1).length);
  return Array.from({ length: n }, (_, i) => {
    const k = start + i;
    const sam = `${prefix}${String(k).padStart(width, '0')}`;
    const givenName = GIVEN[k % GIVEN.length];
    const surname = SUR[Math.floor(k / GIVEN.length) % SUR.length];
    return {
      samAccountName: sam,
      userPrincipalName: `${sam}@${opts.domain}`,
      givenName,
      surname,
      displayName: `${givenName} ${surname} (${sam})`,
      mail: `${sam}@${opts.domain}`,
    };
  });
}

export interface SeedOptions {
  /** Synced users to create in AD and the emulator. */
  synced?: number;
  /** Cloud-only users (emulator only). */
  cloudOnly?: number;
  /** sAMAccountName prefix of generated synced users (default "user"); cloud-only ones use "<prefix>c". */
  prefix?: string;
  /** Number the first generated user (lets several seeds coexist). */
  start?: number;
  /** UPN suffix of cloud-only users (default: the store's/tenant's onmicrosoft domain given here, else the AD domain). */
  cloudDomain?: string;
  /** The synced users exist in AD already (a clone of a seeded snapshot): read them back instead of adding. */
  adExisting?: boolean;
  /** With adExisting: the snapshot's user records file (CreateAdUsersOptions.recordsFile). */
  adRecordsFile?: string;
  log?: (msg: string) => void;
}

export interface SeedResult {
  ad: AdUserRecord[];
  synced: GraphUser[];
  cloudOnly: GraphUser[];
  ms: number;
}

/**
 * Create `synced` users in AD + the emulator (with on-prem attributes from AD) and `cloudOnly` users in the
 * emulator. With `store` null only the AD half is done.
 */
export async function seedUsers(dc: DcHandle, store: UserStore | null, opts: SeedOptions = {}): Promise<SeedResult> {
  const t0 = Date.now();
  const prefix = opts.prefix ?? 'user';
  const specs = generateUserSpecs(opts.synced ?? 0, { prefix, start: opts.start, domain: dc.domain });
  const ad = await createAdUsers(dc, specs, { existing: !!opts.adExisting, ...(opts.adRecordsFile ? { recordsFile: opts.adRecordsFile } : {}), ...(opts.log ? { log: opts.log } : {}) });
  if (!store) return { ad, synced: [], cloudOnly: [], ms: Date.now() - t0 };
  const synced = ad.map((rec) => store.addUser(syncedGraphUser(rec, dc)));
  const cloudDomain = opts.cloudDomain ?? dc.domain;
  const cloudOnly = generateUserSpecs(opts.cloudOnly ?? 0, { prefix: `${prefix}c`, start: opts.start, domain: cloudDomain }).map((s) =>
    store.addUser({
      displayName: s.displayName,
      givenName: s.givenName,
      surname: s.surname,
      userPrincipalName: s.userPrincipalName,
      mail: s.mail,
      mailNickname: s.samAccountName,
      accountEnabled: true,
    }),
  );
  return { ad, synced, cloudOnly, ms: Date.now() - t0 };
}
