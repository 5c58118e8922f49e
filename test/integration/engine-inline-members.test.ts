/**
 * Inline members against the lab: a fresh initial cycle creates each group with its members in the LDAP add —
 * exactly one add per group and no member modify for groups whose members all exist (asserted with the real
 * LdapTarget's countOperations()), modifies only for the values beyond membership.batchSize and for a nested
 * group created after its parent. Every membership is read back over LDAP.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, logEntries, readAnchoredGroups, readMembers, type CycleRun } from './engine-helpers';

const BATCH = 10;
const PLAIN = 30;

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
/** group id → expected member DNs (normalized), group ids standing for the nested groups' DNs. */
const expected = new Map<string, string[]>();
const ids: Record<'large' | 'child' | 'parentAfter' | 'parentBefore' | 'late' | 'empty', string> = {} as never;
let first: CycleRun;
let resolvableValues = 0;

beforeAll(async () => {
  lab = await startLab({ users: 60, cloudUsers: 3 });
  const store = lab.store!;
  const users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  const cloudOnly = lab.seeded.users!.cloudOnly;
  const group = (name: string) => store.addGroup({ displayName: name, mailEnabled: false, securityEnabled: true, mailNickname: name.replace(/\W/g, '') }).id;
  const member = (g: string, ...refs: { id: string; dn: string }[]) => {
    for (const r of refs) store.addMember(g, r.id);
    expected.set(g, [...(expected.get(g) ?? []), ...refs.map((r) => r.dn)]);
    resolvableValues += refs.length;
  };
  // Groups whose members all exist (1..8 users, ≤ batchSize), some with a cloud-only user (skipped).
  for (let i = 0; i < PLAIN; i++) {
    const g = group(`Inline ${i}`);
    member(g, ...Array.from({ length: 1 + (i % 8) }, (_, k) => users[(i * 7 + k) % users.length]));
    if (i % 5 === 0) store.addMember(g, cloudOnly[i % cloudOnly.length].id);
  }
  ids.empty = group('Empty');
  expected.set(ids.empty, []);
  // Above batchSize: 25 members = 10 in the add + 10 + 5 in modifies.
  ids.large = group('Large');
  member(ids.large, ...users.slice(0, 25));
  // A nested group listed (so created) before its parent goes inline; one created after its parent does not.
  ids.child = group('Child');
  member(ids.child, users[40]);
  ids.parentAfter = group('Parent after child');
  ids.parentBefore = group('Parent before child');
  ids.late = group('Late child');
  member(ids.late, users[41]);
  member(ids.parentAfter, users[42]);
  member(ids.parentBefore, users[43]);
  store.addMember(ids.parentAfter, ids.child);
  store.addMember(ids.parentBefore, ids.late);
  resolvableValues += 2;
  // One connection: the object phase handles the groups one at a time in the order Graph lists them.
  config = labConfig(lab, (doc) => {
    doc.membership.batchSize = BATCH;
    doc.directory.connections = 1;
  });
  client = await lab.dc.connect('admin');
  first = await cycle(config);
}, 300_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('inline members on the initial cycle (lab)', () => {
  const groups = PLAIN + 6;

  it('one LDAP add per group; member modifies only beyond batchSize and for the nested group created later', () => {
    expect(first.error).toBeUndefined();
    expect(first.summary).toMatchObject({ mode: 'full', status: 'success', errors: 0 });
    expect(first.summary.groups.created).toBe(groups);
    // Large: 2 modifies (10 + 5 values); Parent before child: 1 modify (the deferred nested reference).
    expect(first.ldap).toMatchObject({ adds: groups, modifies: 3, modDNs: 0, deletes: 0, writes: groups + 3, memberRecoveries: 0 });
    expect(first.ldap.memberValuesAdded).toBe(resolvableValues);
    expect(first.summary.members).toMatchObject({ groups, added: resolvableValues, removed: 0, skipped: PLAIN / 5 });
  });

  it('AD holds exactly the members, nested groups included', async () => {
    const ad = await readAnchoredGroups(client, lab.dc.baseDn);
    expect(ad).toHaveLength(groups);
    const dnOf = new Map(ad.map((g) => [g.anchor!.slice('Group_'.length), normalizeDn(g.dn)]));
    const want = (id: string) => [...expected.get(id)!, ...(id === ids.parentAfter ? [dnOf.get(ids.child)!] : id === ids.parentBefore ? [dnOf.get(ids.late)!] : [])].sort();
    for (const g of ad) {
      const id = g.anchor!.slice('Group_'.length);
      expect((await readMembers(client, g.dn)).map(normalizeDn).sort(), g.dn).toEqual(want(id));
    }
  });

  it('the log has one memberAdd per LDAP request that wrote members, counting every value', async () => {
    const adds = await logEntries(config, { action: 'memberAdd', cycleId: first.summary.cycleId });
    expect(adds.reduce((n, e) => n + (e.count ?? 0), 0)).toBe(resolvableValues);
    expect(adds.filter((e) => e.groupId === ids.large).map((e) => e.count)).toEqual([10, 10, 5]);
    expect(adds.filter((e) => e.groupId === ids.parentBefore).map((e) => e.count)).toEqual([1, 1]);
    expect(adds.filter((e) => e.groupId === ids.parentAfter).map((e) => e.count)).toEqual([2]);
    expect(adds.filter((e) => e.groupId === ids.empty)).toEqual([]);
    // Inline records (one per group with members) plus 3 modifies.
    expect(adds.filter((e) => /with the create/.test(e.reason ?? ''))).toHaveLength(groups - 1);
    expect(adds).toHaveLength(groups - 1 + 3);
  });

  it('a forced full cycle then writes nothing', async () => {
    const full = await cycle(config, { full: true });
    expect(full.summary).toMatchObject({ mode: 'full', errors: 0 });
    expect(full.summary.groups.unchanged).toBe(groups);
    expect(full.ldap.writes).toBe(0);
  });
});
