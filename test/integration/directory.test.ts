/**
 * LdapTarget against a real Samba AD DC (test/lab/samba), bound as the delegated service account gwb-svc (not an
 * admin). Every assertion reads AD back over LDAP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ldapts';
import { startDc, type DcHandle } from '../lab/samba/dc';
import { createAdUsers, generateUserSpecs, type AdUserRecord } from '../lab/seed';
import { ensureCa } from '../lab/tls';
import { LdapTarget, type LdapTargetOptions } from '../../src/directory/ldap-target';
import { cnDn, dnEquals, normalizeDn, parentDn, rdnValue } from '../../src/directory/dn';
import { DirectoryError, DuplicateAnchorError } from '../../src/directory/errors';
import { guidToImmutableId } from '../../src/directory/guid';
import type { AdGroup } from '../../src/model/directory';

const UNIVERSAL_SECURITY = String(0x80000008 | 0); // -2147483640

let dc: DcHandle;
let users: AdUserRecord[];
const targets: LdapTarget[] = [];

function target(extra: Partial<LdapTargetOptions> = {}): LdapTarget {
  const t = new LdapTarget({
    urls: dc.url,
    baseDn: dc.baseDn,
    bindDn: dc.service.bindDn,
    password: dc.service.password,
    caFile: dc.caFile,
    ...extra,
  });
  targets.push(t);
  return t;
}

let seq = 0;
function anchor(): string {
  seq++;
  return `Group_00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

function groupAttrs(a: string, displayName: string, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    objectClass: 'group',
    groupType: UNIVERSAL_SECURITY,
    'msDS-ExternalDirectoryObjectId': a,
    adminDescription: a,
    displayName,
    ...extra,
  };
}

/** Membership read independently of LdapTarget (admin connection, plain `member`, Samba returns all). */
async function adminMembers(dn: string): Promise<Set<string>> {
  const c = await dc.connect('admin');
  try {
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['member'] });
    return new Set(([] as string[]).concat((searchEntries[0]?.member as string[] | string) ?? []).map(normalizeDn));
  } finally {
    await c.unbind();
  }
}

const keys = (dns: string[]): Set<string> => new Set(dns.map(normalizeDn));

beforeAll(async () => {
  dc = await startDc();
  users = await createAdUsers(dc, generateUserSpecs(600, { prefix: 'dirt', domain: dc.domain }));
});

afterAll(async () => {
  for (const t of targets) await t.close().catch(() => {});
  await dc?.stop();
});

describe('connecting', () => {
  it('binds as the service account over LDAPS and reads the base DN', async () => {
    const t = target();
    expect(await t.checkConnection()).toEqual({ url: dc.url, baseDn: dc.baseDn });
    expect(t.countOperations()).toMatchObject({ binds: 1, searches: 1, writes: 0 });
  });

  it('upgrades ldap:// with StartTLS; without it Samba demands strong auth (rc 8)', async () => {
    const ok = target({ urls: `ldap://${dc.ip}:389` });
    await expect(ok.checkConnection()).resolves.toMatchObject({ url: `ldap://${dc.ip}:389` });
    const plain = target({ urls: `ldap://${dc.ip}:389`, startTls: false });
    const err = await plain.checkConnection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err).toMatchObject({ resultCode: 8, code: 'StrongAuthRequired', category: 'SecurityError' });
  });

  it('fails over to the next URL when the first refuses connections', async () => {
    const t = target({ urls: ['ldaps://127.0.0.1:1', dc.url] });
    await expect(t.checkConnection()).resolves.toMatchObject({ url: dc.url });
  });

  it('reports an unreachable directory as a ConnectionError', async () => {
    const t = target({ urls: ['ldaps://127.0.0.1:1', 'ldaps://127.0.0.1:2'] });
    const err = await t.checkConnection().catch((e: unknown) => e);
    expect(err).toMatchObject({ category: 'ConnectionError', code: 'UnableToFindDomainController' });
    expect((err as Error).message).toContain('127.0.0.1:2');
  });

  it('reports bad credentials as an AuthenticationError with the AD sub-code, and no password in it', async () => {
    const t = target({ password: 'Wrong-Passw0rd!' });
    const err = (await t.checkConnection().catch((e: unknown) => e)) as DirectoryError;
    expect(err).toMatchObject({ resultCode: 49, code: 'LdapBindOperationFailed', category: 'AuthenticationError' });
    expect(err.hint).toContain('password is wrong');
    expect(JSON.stringify(err.toJSON())).not.toContain('Wrong-Passw0rd!');
  });

  it('refuses a DC certificate from an untrusted CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwb-ca-'));
    try {
      const { caFile } = ensureCa(dir);
      const t = target({ caFile });
      const err = await t.checkConnection().catch((e: unknown) => e);
      expect(err).toMatchObject({ category: 'SecurityError', code: 'LdapTlsFailed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never opens more connections than the pool size, however many calls run at once', async () => {
    const t = target({ connections: 3 });
    await Promise.all(Array.from({ length: 24 }, () => t.readGroup(dc.targetOu)));
    expect(t.countOperations().binds).toBe(3);
  });
});

describe('groups with awkward names', () => {
  const names = [
    'Smith, John',
    'R&D + Ops',
    'He said "yes"',
    'C:\\share\\path',
    '#1 team',
    '<admins>',
    'a;b',
    'k=v',
    ' padded both ',
    'trailing backslash\\',
    'Ünïcødé Grüppe',
    'Отдел продаж',
    '営業部 チーム',
    ', + " \\ # < > ; =',
    `${'Long name '.repeat(6)}_e9305786a271`.slice(0, 64),
  ];
  const created: AdGroup[] = [];

  it('creates each group and reads back exact attributes', async () => {
    const t = target();
    for (const name of names) {
      const a = anchor();
      const dn = cnDn(name, dc.targetOu);
      const g = await t.createGroup(dn, groupAttrs(a, name.trim(), { description: `Beschreibung für ${name}` }));
      created.push(g);
      expect(rdnValue(g.dn)).toBe(name);
      expect(dnEquals(parentDn(g.dn), dc.targetOu)).toBe(true);
      expect(g.anchor).toBe(a);
      expect(g.objectGuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(g.objectSid).toMatch(new RegExp(`^${dc.domainSid}-\\d+$`));
      expect(g.attributes).toMatchObject({
        cn: name,
        displayName: name.trim(),
        description: `Beschreibung für ${name}`,
        adminDescription: a,
        groupType: UNIVERSAL_SECURITY,
        'msDS-ExternalDirectoryObjectId': a,
      });
      expect(typeof g.attributes.sAMAccountName).toBe('string');
      expect(g.members).toBeUndefined();
    }
  });

  it('finds each one by anchor, by SID and in the anchored listing', async () => {
    const t = target();
    for (const g of created) {
      const byAnchor = await t.findByAnchor(g.anchor!);
      expect(byAnchor.map((x) => x.objectGuid)).toEqual([g.objectGuid]);
      expect((await t.findBySid(g.objectSid))?.objectGuid).toBe(g.objectGuid);
      expect((await t.readGroup(g.dn))?.objectGuid).toBe(g.objectGuid);
    }
    const listed = new Map<string, AdGroup>();
    let pages = 0;
    for await (const page of t.listAnchoredGroups()) {
      pages++;
      for (const g of page) listed.set(g.objectGuid, g);
    }
    expect(pages).toBeGreaterThan(0);
    for (const g of created) expect(listed.get(g.objectGuid)).toEqual(g);
    const bulk = await t.findByAnchors([...created.map((g) => g.anchor!), 'Group_missing']);
    expect(bulk.get('Group_missing')).toEqual([]);
    for (const g of created) expect(bulk.get(g.anchor!)?.map((x) => x.dn)).toEqual([g.dn]);
    expect(await t.findByAnchor('Group_*')).toEqual([]); // no wildcard injection
    expect(await t.findBySid(`${dc.domainSid}-999999`)).toBeNull();
    expect(await t.findBySid('not-a-sid')).toBeNull();
    expect(t.countOperations().writes).toBe(0);
  });

  it('pages through anchored groups with a small page size', async () => {
    const t = target({ pageSize: 4 });
    let n = 0;
    let pages = 0;
    for await (const page of t.listAnchoredGroups()) {
      expect(page.length).toBeLessThanOrEqual(4);
      pages++;
      n += page.length;
    }
    expect(n).toBeGreaterThanOrEqual(names.length);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(names.length / 4));
  });

  it('stops listing when the signal aborts', async () => {
    const t = target({ pageSize: 2 });
    const ac = new AbortController();
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const page of t.listAnchoredGroups(ac.signal)) {
        seen.push(page.length);
        ac.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ category: 'OperationStopped' });
    expect(seen).toHaveLength(1);
  });
});

describe('reading back creates that run together', () => {
  it('reads concurrent creates back in one search per container, each exactly as a read of its own gives it', async () => {
    // The window is long: the batch goes when every create has asked (the rule a lone create relies on too).
    const t = target({ readBackWindowMs: 60_000 });
    const shared = anchor(); // two groups with one anchor in one container: each must get its own entry back
    const specs = [
      ...['Together, one', 'Together #2', 'Together "3"', 'Together\\4', 'Zusammen Ä'].map((n) => ({ dn: cnDn(n, dc.targetOu), a: anchor(), name: n })),
      { dn: cnDn('Together shared a', dc.targetOu), a: shared, name: 'Together shared a' },
      { dn: cnDn('Together shared b', dc.targetOu), a: shared, name: 'Together shared b' },
      ...['Elsewhere one', 'Elsewhere two'].map((n) => ({ dn: cnDn(n, dc.targetOu2), a: anchor(), name: n })),
    ];
    const noAnchor = cnDn('Together without anchor', dc.targetOu);
    const made = await Promise.all([
      ...specs.map((s) => t.createGroup(s.dn, groupAttrs(s.a, s.name, { member: users.slice(0, 2).map((u) => u.dn) }))),
      t.createGroup(noAnchor, { objectClass: 'group', groupType: UNIVERSAL_SECURITY, displayName: 'Together without anchor' }),
    ]);
    const c = t.countOperations();
    expect(c.adds).toBe(specs.length + 1);
    expect(c.searches).toBe(3); // targetOu, targetOu2, and the group without an anchor read alone
    for (const [i, s] of specs.entries()) {
      expect(dnEquals(made[i].dn, s.dn)).toBe(true);
      expect(made[i].anchor).toBe(s.a);
    }
    expect(dnEquals(made[specs.length].dn, noAnchor)).toBe(true);
    expect(new Set(made.map((g) => g.objectGuid)).size).toBe(made.length);
    for (const g of made) expect(await t.readGroup(g.dn)).toEqual(g);
  });
});

describe('anchors and names that clash', () => {
  it('returns both objects for a duplicated anchor; findOneByAnchor refuses to guess', async () => {
    const t = target();
    const a = anchor();
    await t.createGroup(cnDn('Dup one', dc.targetOu), groupAttrs(a, 'Dup one'));
    await t.createGroup(cnDn('Dup two', dc.targetOu2), groupAttrs(a, 'Dup two'));
    const found = await t.findByAnchor(a);
    expect(found.map((g) => rdnValue(g.dn)).sort()).toEqual(['Dup one', 'Dup two']);
    const err = await t.findOneByAnchor(a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateAnchorError);
    expect(err).toMatchObject({ code: 'DuplicateTargetEntries', anchor: a });
  });

  it('creating the same group twice returns the existing one (idempotent), another anchor on that name is refused', async () => {
    const t = target();
    const a = anchor();
    const dn = cnDn('Idempotent', dc.targetOu);
    const first = await t.createGroup(dn, groupAttrs(a, 'Idempotent', { member: users.slice(0, 3).map((u) => u.dn) }));
    const again = await t.createGroup(dn, groupAttrs(a, 'Idempotent', { member: users.slice(0, 4).map((u) => u.dn) }));
    expect(again.objectGuid).toBe(first.objectGuid);
    expect(await adminMembers(dn)).toEqual(keys(users.slice(0, 4).map((u) => u.dn)));
    const err = await t.createGroup(dn, groupAttrs(anchor(), 'Idempotent')).catch((e: unknown) => e);
    expect(err).toMatchObject({ resultCode: 68, code: 'ObjectNameAlreadyExists', category: 'ResourceExists', dn });
  });

  it('maps a missing parent, a foreign OU and a taken sAMAccountName to typed errors', async () => {
    const t = target();
    const missing = await t.createGroup(cnDn('x', `OU=Nope,${dc.baseDn}`), groupAttrs(anchor(), 'x')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ resultCode: 32, code: 'NoSuchObject', category: 'ObjectNotFound', operation: 'add' });
    const denied = (await t.createGroup(cnDn('Not here', dc.usersOu), groupAttrs(anchor(), 'Not here')).catch((e: unknown) => e)) as DirectoryError;
    expect(denied).toMatchObject({ resultCode: 50, code: 'InsufficientAccessRights', category: 'PermissionDenied' });
    expect(denied.hint).toContain(dc.service.bindDn);
    expect(denied.hint).toContain(dc.usersOu);
    await t.createGroup(cnDn('Sam one', dc.targetOu), groupAttrs(anchor(), 'Sam one', { sAMAccountName: 'gwb-sam-clash' }));
    const clash = (await t
      .createGroup(cnDn('Sam two', dc.targetOu), groupAttrs(anchor(), 'Sam two', { sAMAccountName: 'gwb-sam-clash' }))
      .catch((e: unknown) => e)) as DirectoryError;
    expect(clash).toMatchObject({ resultCode: 68, code: 'ObjectNameAlreadyExists' });
    expect(clash.hint).toMatch(/sAMAccountName/);
  });
});

describe('modifying attributes', () => {
  it('replaces, deletes present and absent attributes, and writes nothing for no changes', async () => {
    const t = target();
    const a = anchor();
    const g = await t.createGroup(cnDn('Modify me', dc.targetOu), groupAttrs(a, 'Modify me', { description: 'old' }));
    t.resetOperationCounts();
    await t.modifyGroup(g.dn, {});
    expect(t.countOperations().writes).toBe(0);
    await t.modifyGroup(g.dn, { description: 'new, with ümlauts', displayName: null, info: null });
    expect(t.countOperations()).toMatchObject({ modifies: 1, writes: 1 });
    const back = await t.readGroup(g.dn, ['info']);
    expect(back?.attributes.description).toBe('new, with ümlauts');
    expect(back?.attributes.displayName).toBeUndefined();
    expect(back?.attributes.info).toBeUndefined();
    await t.modifyGroup(g.dn, { displayName: null }); // already absent
    expect(t.countOperations().modifies).toBe(2);
  });

  it('refuses member replacement and maps schema and size errors', async () => {
    const t = target();
    const g = await t.createGroup(cnDn('Schema errors', dc.targetOu), groupAttrs(anchor(), 'Schema errors'));
    await expect(t.modifyGroup(g.dn, { member: [] })).rejects.toThrow(/addMembers\/removeMembers/);
    await expect(t.modifyGroup(g.dn, { cn: 'Renamed' })).rejects.toThrow(/moveGroup/);
    const undefinedAttr = (await t.modifyGroup(g.dn, { notAnAttribute: 'x' }).catch((e: unknown) => e)) as DirectoryError;
    expect(undefinedAttr).toMatchObject({ code: 'UndefinedAttributeType', category: 'InvalidData' });
    expect([16, 17]).toContain(undefinedAttr.resultCode);
    expect(undefinedAttr.hint).toMatch(/extend the schema/);
    const tooLong = (await t.modifyGroup(g.dn, { 'msDS-ExternalDirectoryObjectId': `Group_${'x'.repeat(300)}` }).catch((e: unknown) => e)) as DirectoryError;
    expect([19, 21]).toContain(tooLong.resultCode);
    expect(tooLong.category).toBe('InvalidData');
    const gone = await t.modifyGroup(cnDn('Never existed', dc.targetOu), { description: 'x' }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ resultCode: 32, code: 'NoSuchObject' });
  });
});

describe('rename, move and delete', () => {
  it('renames in place, moves between OUs, handles escaped names, and refuses a missing container', async () => {
    const t = target();
    const a = anchor();
    const g = await t.createGroup(cnDn('Move me', dc.targetOu), groupAttrs(a, 'Move me'));
    const renamed = await t.moveGroup(g.dn, cnDn('Smith, John (moved)', dc.targetOu));
    expect(rdnValue(renamed)).toBe('Smith, John (moved)');
    const r1 = await t.readGroup(renamed);
    expect(r1).toMatchObject({ objectGuid: g.objectGuid, anchor: a });
    expect(r1?.attributes.cn).toBe('Smith, John (moved)');
    expect(await t.readGroup(g.dn)).toBeNull();

    const moved = await t.moveGroup(renamed, cnDn('Ends with backslash\\', dc.targetOu2));
    const r2 = await t.readGroup(moved);
    expect(r2?.objectGuid).toBe(g.objectGuid);
    expect(r2?.attributes.cn).toBe('Ends with backslash\\');
    expect(dnEquals(parentDn(r2!.dn), dc.targetOu2)).toBe(true);

    const caseOnly = await t.moveGroup(moved, cnDn('ENDS WITH BACKSLASH\\', dc.targetOu2));
    expect((await t.readGroup(caseOnly))?.attributes.cn).toBe('ENDS WITH BACKSLASH\\');

    t.resetOperationCounts();
    expect(await t.moveGroup(caseOnly, caseOnly.replace('CN=', 'cn='))).toBe(caseOnly);
    expect(t.countOperations().modDNs).toBe(0);

    const err = (await t.moveGroup(caseOnly, cnDn('x', `OU=Nope,${dc.baseDn}`)).catch((e: unknown) => e)) as DirectoryError;
    expect(err).toMatchObject({ code: 'NoSuchObject', category: 'ObjectNotFound', operation: 'modifyDN' });
    expect([32, 80]).toContain(err.resultCode);
    expect(err.hint).toContain('OU=Nope');

    const other = await t.createGroup(cnDn('Occupied', dc.targetOu), groupAttrs(anchor(), 'Occupied'));
    const taken = await t.moveGroup(caseOnly, other.dn).catch((e: unknown) => e);
    expect(taken).toMatchObject({ resultCode: 68, code: 'ObjectNameAlreadyExists' });
    expect((await t.findByAnchor(a)).map((x) => x.dn)).toEqual([caseOnly]);
  });

  it('deletes a group with members; deleting it again is NoSuchObject', async () => {
    const t = target();
    const g = await t.createGroup(cnDn('Delete me', dc.targetOu), groupAttrs(anchor(), 'Delete me', { member: users.slice(0, 50).map((u) => u.dn) }));
    t.resetOperationCounts();
    await t.deleteGroup(g.dn);
    expect(t.countOperations()).toMatchObject({ deletes: 1, writes: 1 });
    expect(await t.readGroup(g.dn)).toBeNull();
    expect(await t.findByAnchor(g.anchor!)).toEqual([]);
    await expect(t.deleteGroup(g.dn)).rejects.toMatchObject({ resultCode: 32, code: 'NoSuchObject' });
  });
});

describe('membership', () => {
  it('adds a batch where some members exist and removes one where some are absent (68/53 recovery)', async () => {
    const t = target({ batchSize: 7 });
    const dns = users.slice(100, 140).map((u) => u.dn);
    const g = await t.createGroup(cnDn('Recovery', dc.targetOu), groupAttrs(anchor(), 'Recovery', { member: dns.slice(0, 10) }));
    expect(await adminMembers(g.dn)).toEqual(keys(dns.slice(0, 10)));

    t.resetOperationCounts();
    await t.addMembers(g.dn, dns.slice(5, 30)); // 5 present, 20 new, in batches of 7
    expect(await adminMembers(g.dn)).toEqual(keys(dns.slice(0, 30)));
    const afterAdd = t.countOperations();
    expect(afterAdd.memberRecoveries).toBe(1);
    expect(afterAdd.writes).toBeLessThanOrEqual(6); // 1 failed + ceil(25/7)=4 batches, pre-filtered after the re-read

    t.resetOperationCounts();
    await t.removeMembers(g.dn, [...dns.slice(20, 30), ...dns.slice(30, 40)]); // 10 present, 10 absent
    expect(await adminMembers(g.dn)).toEqual(keys(dns.slice(0, 20)));
    expect(t.countOperations().memberRecoveries).toBe(1);

    // exactly what is there already: nothing changes, nothing throws
    await t.addMembers(g.dn, dns.slice(0, 20));
    await t.removeMembers(g.dn, dns.slice(20, 40));
    expect(await adminMembers(g.dn)).toEqual(keys(dns.slice(0, 20)));
    expect(new Set((await t.readMembers(g.dn)).map(normalizeDn))).toEqual(keys(dns.slice(0, 20)));
  });

  it('treats differently spelled DNs of one member as the same value', async () => {
    const t = target();
    const u = users[200];
    const g = await t.createGroup(cnDn('Spelling', dc.targetOu), groupAttrs(anchor(), 'Spelling', { member: [u.dn] }));
    await t.addMembers(g.dn, [u.dn.toUpperCase(), u.dn.toLowerCase(), users[201].dn]);
    expect(await adminMembers(g.dn)).toEqual(keys([u.dn, users[201].dn]));
  });

  it('writes the members that exist and reports the ones that do not', async () => {
    const t = target();
    const g = await t.createGroup(cnDn('Missing members', dc.targetOu), groupAttrs(anchor(), 'Missing members'));
    const ghost = cnDn('Ghost, User', dc.usersOu);
    const good = users.slice(300, 320).map((u) => u.dn);
    const err = (await t.addMembers(g.dn, [...good.slice(0, 10), ghost, ...good.slice(10)]).catch((e: unknown) => e)) as DirectoryError;
    expect(err).toMatchObject({ code: 'MemberNotFound', category: 'ObjectNotFound', target: { group: g.dn, members: [ghost] } });
    expect(await adminMembers(g.dn)).toEqual(keys(good));
    await t.removeMembers(g.dn, [ghost, good[0]]); // removing a non-existent object is a no-op
    expect(await adminMembers(g.dn)).toEqual(keys(good.slice(1)));
  });

  it('creates a group whose member list names a missing object: group and other members written, the missing one reported', async () => {
    const t = target();
    const a = anchor();
    const dn = cnDn('Created with a ghost', dc.targetOu);
    const ghost = cnDn('Ghost, Two', dc.usersOu);
    const good = users.slice(320, 330).map((u) => u.dn);
    const err = await t.createGroup(dn, groupAttrs(a, 'Created with a ghost', { member: [ghost, ...good] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MemberNotFound', target: { group: dn, members: [ghost] } });
    expect((await t.findByAnchor(a)).map((g) => g.dn)).toEqual([dn]);
    expect(await adminMembers(dn)).toEqual(keys(good));
    const missingParent = await t.createGroup(cnDn('x', `OU=Nope,${dc.baseDn}`), groupAttrs(anchor(), 'x', { member: good })).catch((e: unknown) => e);
    expect(missingParent).toMatchObject({ resultCode: 32, code: 'NoSuchObject', operation: 'add' });
  });

  it('fails cleanly when the group itself does not exist', async () => {
    const t = target();
    const err = await t.addMembers(cnDn('No such group', dc.targetOu), [users[0].dn]).catch((e: unknown) => e);
    expect(err).toMatchObject({ resultCode: 32, code: 'NoSuchObject' });
  });

  it('reads membership in explicit ranges', async () => {
    const t = target({ rangeSize: 10 });
    const dns = users.slice(400, 437).map((u) => u.dn);
    const g = await t.createGroup(cnDn('Ranged', dc.targetOu), groupAttrs(anchor(), 'Ranged', { member: dns }));
    t.resetOperationCounts();
    const got = await t.readMembers(g.dn);
    expect(got).toHaveLength(37);
    expect(keys(got)).toEqual(keys(dns));
    expect(t.countOperations().searches).toBe(4); // 0-9, 10-19, 20-29, 30-* 
    const empty = await t.createGroup(cnDn('Empty', dc.targetOu), groupAttrs(anchor(), 'Empty'));
    expect(await t.readMembers(empty.dn)).toEqual([]);
    await expect(t.readMembers(cnDn('No such group', dc.targetOu))).rejects.toMatchObject({ resultCode: 32 });
  });
});

describe('resolving users in bulk', () => {
  it('by objectGUID (GUID strings and immutableIds) in a few OR-filter searches', async () => {
    const t = target();
    const sample = users.slice(0, 500);
    const inputs = [
      ...sample.slice(0, 250).map((u) => u.immutableId),
      ...sample.slice(250).map((u) => u.objectGuid.toUpperCase()),
      guidToImmutableId('00000000-0000-4000-8000-00000000dead'),
      'EMP-004711',
    ];
    const got = await t.resolveUsersByGuid(inputs);
    expect(got.size).toBe(500);
    sample.forEach((u, i) => {
      const key = i < 250 ? u.immutableId : u.objectGuid.toUpperCase();
      expect(got.get(key)).toMatchObject({ objectGuid: u.objectGuid, objectSid: u.objectSid, userPrincipalName: u.userPrincipalName });
      expect(dnEquals(got.get(key)!.dn, u.dn)).toBe(true);
    });
    expect(t.countOperations().searches).toBe(3); // ceil(500 / 200)
  });

  it('by objectSid, ignoring unknown and malformed SIDs', async () => {
    const t = target({ lookupBatchSize: 100 });
    const sample = users.slice(100, 350);
    const got = await t.resolveUsersBySid([...sample.map((u) => u.objectSid), `${dc.domainSid}-999999`, 'S-1-x']);
    expect(got.size).toBe(250);
    for (const u of sample) expect(got.get(u.objectSid)?.objectGuid).toBe(u.objectGuid);
    expect(t.countOperations().searches).toBe(3);
  });

  it('does not resolve groups or computers as users', async () => {
    const t = target();
    const g = await t.createGroup(cnDn('Not a user', dc.targetOu), groupAttrs(anchor(), 'Not a user'));
    expect((await t.resolveUsersBySid([g.objectSid])).size).toBe(0);
    expect((await t.resolveUsersByGuid([g.objectGuid])).size).toBe(0);
  });
});

describe('operation counters', () => {
  it('count every request; reads write nothing', async () => {
    const t = target();
    const g = await t.createGroup(cnDn('Counted', dc.targetOu), groupAttrs(anchor(), 'Counted', { member: users.slice(0, 5).map((u) => u.dn) }));
    expect(t.countOperations()).toMatchObject({ adds: 1, writes: 1, memberValuesAdded: 5 });
    t.resetOperationCounts();
    expect(t.countOperations()).toEqual({
      searches: 0, adds: 0, modifies: 0, modDNs: 0, deletes: 0, writes: 0,
      memberValuesAdded: 0, memberValuesRemoved: 0, memberRecoveries: 0, binds: 0,
    });
    await t.findByAnchor(g.anchor!);
    await t.readMembers(g.dn);
    await t.readGroup(g.dn);
    for await (const page of t.listAnchoredGroups()) expect(page.length).toBeGreaterThan(0);
    const c = t.countOperations();
    expect(c.writes).toBe(0);
    expect(c.searches).toBe(4);
  });
});

it('the lab client sees what LdapTarget wrote (sanity check of the independent read path)', async () => {
  const t = target();
  const g = await t.createGroup(cnDn('Cross check', dc.targetOu), groupAttrs(anchor(), 'Cross check'));
  const c: Client = await dc.connect('admin');
  try {
    const { searchEntries } = await c.search(dc.targetOu, { scope: 'one', filter: `(cn=Cross check)`, attributes: ['cn', 'groupType'] });
    expect(searchEntries.map((e) => e.dn)).toEqual([g.dn]);
    expect(searchEntries[0].groupType).toBe(UNIVERSAL_SECURITY);
  } finally {
    await c.unbind();
  }
});
