/**
 * Large membership through LdapTarget against a real Samba AD DC, as the delegated service account: a 5,000-member
 * group written in batches, then 1,000 adds + 1,000 removes, each read back exactly (by LdapTarget's ranged reads
 * and independently by an admin connection). Timings are printed, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type DcHandle } from '../lab/samba/dc';
import { createAdUsers, generateUserSpecs, type AdUserRecord } from '../lab/seed';
import { LdapTarget } from '../../src/directory/ldap-target';
import { cnDn, normalizeDn } from '../../src/directory/dn';

const UNIVERSAL_SECURITY = '-2147483640';
const ANCHOR = 'Group_5a5a5a5a-0000-4000-8000-000000005000';

let dc: DcHandle;
let users: AdUserRecord[];
let t: LdapTarget;

function report(what: string, ms: number, extra: object = {}): void {
  console.log(`[directory-bulk] ${what}: ${ms} ms ${JSON.stringify(extra)}`);
}

async function adminMembers(dn: string): Promise<Set<string>> {
  const c = await dc.connect('admin');
  try {
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['member'] });
    return new Set(([] as string[]).concat((searchEntries[0]?.member as string[] | string) ?? []).map(normalizeDn));
  } finally {
    await c.unbind();
  }
}

const keys = (list: AdUserRecord[]): Set<string> => new Set(list.map((u) => normalizeDn(u.dn)));

beforeAll(async () => {
  dc = await startDc();
  const t0 = Date.now();
  users = await createAdUsers(dc, generateUserSpecs(6000, { prefix: 'bulk', domain: dc.domain }));
  report('created 6000 users (admin, lab seeding)', Date.now() - t0);
  t = new LdapTarget({ urls: dc.url, baseDn: dc.baseDn, bindDn: dc.service.bindDn, password: dc.service.password, caFile: dc.caFile });
}, 300_000);

afterAll(async () => {
  await t?.close();
  await dc?.stop();
});

describe('resolving 6,000 users', () => {
  it('by immutableId and by SID in OR-filter batches of 200', async () => {
    t.resetOperationCounts();
    const t0 = Date.now();
    const byGuid = await t.resolveUsersByGuid(users.map((u) => u.immutableId));
    const tGuid = Date.now() - t0;
    const bySid = await t.resolveUsersBySid(users.map((u) => u.objectSid));
    report('resolve 6000 by objectGUID', tGuid);
    report('resolve 6000 by objectSid', Date.now() - t0 - tGuid, t.countOperations());
    expect(byGuid.size).toBe(6000);
    expect(bySid.size).toBe(6000);
    for (const u of users) {
      expect(byGuid.get(u.immutableId)?.objectSid).toBe(u.objectSid);
      expect(bySid.get(u.objectSid)?.objectGuid).toBe(u.objectGuid);
    }
    expect(t.countOperations()).toMatchObject({ searches: 60, writes: 0 });
  });
});

describe('a 5,000-member group', () => {
  const initial = (): AdUserRecord[] => users.slice(0, 5000);
  const dn = (): string => cnDn('Big group, 5000 members', dc.targetOu);

  it('is created with its members in batches of 1,000 and reads back exactly', async () => {
    t.resetOperationCounts();
    const t0 = Date.now();
    const g = await t.createGroup(dn(), {
      objectClass: 'group',
      groupType: UNIVERSAL_SECURITY,
      'msDS-ExternalDirectoryObjectId': ANCHOR,
      displayName: 'Big group, 5000 members',
      member: initial().map((u) => u.dn),
    });
    const ms = Date.now() - t0;
    const ops = t.countOperations();
    report('create + 5000 members', ms, ops);
    expect(g.anchor).toBe(ANCHOR);
    // one add with the first 1,000 members, then 4 modifies of 1,000, then the read-back
    expect(ops).toMatchObject({ adds: 1, modifies: 4, writes: 5, memberValuesAdded: 5000, memberRecoveries: 0 });

    t.resetOperationCounts();
    const t1 = Date.now();
    const read = await t.readMembers(g.dn);
    report('readMembers 5000 (ranged)', Date.now() - t1, t.countOperations());
    expect(read).toHaveLength(5000);
    expect(new Set(read.map(normalizeDn))).toEqual(keys(initial()));
    expect(t.countOperations().searches).toBe(4); // 0-1499, 1500-2999, 3000-4499, 4500-*
    expect(await adminMembers(g.dn)).toEqual(keys(initial()));
  });

  it('then takes 1,000 adds and 1,000 removes exactly', async () => {
    const adds = users.slice(5000, 6000);
    const removes = users.slice(2000, 3000);
    const expected = [...users.slice(0, 2000), ...users.slice(3000, 6000)];
    t.resetOperationCounts();
    const t0 = Date.now();
    await t.addMembers(dn(), adds.map((u) => u.dn));
    const tAdd = Date.now() - t0;
    await t.removeMembers(dn(), removes.map((u) => u.dn));
    const tRemove = Date.now() - t0 - tAdd;
    const ops = t.countOperations();
    report('1000 adds', tAdd);
    report('1000 removes', tRemove, ops);
    expect(ops).toMatchObject({ modifies: 2, writes: 2, searches: 0, memberValuesAdded: 1000, memberValuesRemoved: 1000 });
    const read = await t.readMembers(dn());
    expect(read).toHaveLength(5000);
    expect(new Set(read.map(normalizeDn))).toEqual(keys(expected));
    expect(await adminMembers(dn())).toEqual(keys(expected));
  });

  it('repeating the same adds and removes changes nothing (Samba 68/53 handled by re-read and diff)', async () => {
    const expected = [...users.slice(0, 2000), ...users.slice(3000, 6000)];
    t.resetOperationCounts();
    const t0 = Date.now();
    await t.addMembers(dn(), users.slice(5000, 6000).map((u) => u.dn));
    await t.removeMembers(dn(), users.slice(2000, 3000).map((u) => u.dn));
    const ops = t.countOperations();
    report('repeat 1000 adds + 1000 removes (all already done)', Date.now() - t0, ops);
    // each call: one refused modify, one ranged re-read (4 windows), nothing left to send
    expect(ops).toMatchObject({ modifies: 2, memberRecoveries: 2, searches: 8 });
    expect(await adminMembers(dn())).toEqual(keys(expected));
  });

  it('a mixed batch (half present) adds only the missing half', async () => {
    const expectedBefore = [...users.slice(0, 2000), ...users.slice(3000, 6000)];
    const mixed = users.slice(1500, 2500); // 500 present, 500 absent
    t.resetOperationCounts();
    const t0 = Date.now();
    await t.addMembers(dn(), mixed.map((u) => u.dn));
    report('1000-value add, 500 already present', Date.now() - t0, t.countOperations());
    expect(t.countOperations()).toMatchObject({ modifies: 2, memberRecoveries: 1 });
    expect(await adminMembers(dn())).toEqual(keys([...expectedBefore, ...users.slice(2000, 2500)]));
  });

  it('is deleted', async () => {
    const t0 = Date.now();
    await t.deleteGroup(dn());
    report('delete 5500-member group', Date.now() - t0);
    expect(await t.readGroup(dn())).toBeNull();
  });
});
