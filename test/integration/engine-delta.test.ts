/**
 * Issue 4, "Must show" #2 and the expired-token case: a delta cycle after Graph-API changes (rename, description
 * change, member add/remove, soft delete, restore, permanent delete, a group leaving scope, a new nested group,
 * a container change) applies exactly those changes; an expired delta token falls back to a full cycle that
 * also reverts AD edits. Every assertion reads AD back over LDAP.
 */
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cnDn, normalizeDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, expectedCn, labConfig, logEntries, readAnchoredGroups, readMembers, type AdGroupRead } from './engine-helpers';

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
let ext: string;
const g: Record<string, string> = {};
let users: { id: string; dn: string }[];

const byId = async (): Promise<Map<string, AdGroupRead>> => new Map((await readAnchoredGroups(client, lab.dc.baseDn)).map((x) => [x.anchor!.slice(6), x]));
const members = async (dn: string) => (await readMembers(client, dn)).map(normalizeDn).sort();
const dns = (...idx: number[]) => idx.map((i) => normalizeDn(users[i].dn)).sort();

beforeAll(async () => {
  lab = await startLab({ users: 12 });
  const store = lab.store!;
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: lab.seeded.users!.ad[i].dn }));
  ext = `extension_${lab.graph!.clientId.replace(/-/g, '')}_Placement`;
  config = labConfig(lab, (d) => {
    d.mappings = [{ target: 'parentDistinguishedName', type: 'Expression', source: `Switch([${ext}], "${lab.dc.targetOu}", "second", "${lab.dc.targetOu2}")` }];
  });
  const add = (key: string, displayName: string, memberIdx: number[], patch: Record<string, unknown> = {}) => {
    const grp = store.addGroup({ displayName, mailEnabled: false, securityEnabled: true, mailNickname: key, ...patch });
    for (const i of memberIdx) store.addMember(grp.id, users[i].id);
    g[key] = grp.id;
  };
  add('rename', 'Rename me', [0, 1]);
  add('describe', 'Describe me', [1], { description: 'old description' });
  add('members', 'Members', [0, 1, 2]);
  add('soft', 'Soft delete me', [4, 5]);
  add('purge', 'Purge me', [6]);
  add('leave', 'Leave scope', [7]);
  add('parent', 'Parent', [8]);
  add('move', 'Move me', [9]);
  add('untouched', 'Untouched', [10]);
  client = await lab.dc.connect('admin');
  const first = await cycle(config);
  expect(first.error).toBeUndefined();
  expect(first.summary.groups.created).toBe(9);
}, 300_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('delta cycle after Graph changes', () => {
  let before: Map<string, AdGroupRead>;

  it('applies exactly the changes made through Graph', async () => {
    before = await byId();
    const store = lab.store!;
    store.updateGroup(g.rename, { displayName: 'Renamed group' });
    store.updateGroup(g.describe, { description: 'new description' });
    store.addMember(g.members, users[3].id);
    store.removeMember(g.members, users[0].id);
    store.deleteObject(g.soft);
    store.purgeObject(g.purge);
    store.updateGroup(g.leave, { securityEnabled: false });
    const nested = store.addGroup({ displayName: 'New nested', mailEnabled: false, securityEnabled: true, mailNickname: 'nested' });
    store.addMember(nested.id, users[11].id);
    store.addMember(g.parent, nested.id);
    g.nested = nested.id;
    store.updateGroup(g.move, { [ext]: 'second' } as never);

    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary).toMatchObject({ mode: 'delta', status: 'success', errors: 0 });
    const after = await byId();

    const ren = after.get(g.rename)!;
    expect(ren.cn).toBe(expectedCn('Renamed group', g.rename));
    expect(normalizeDn(ren.dn)).toBe(normalizeDn(cnDn(expectedCn('Renamed group', g.rename), lab.dc.targetOu)));
    expect(ren.displayName).toBe('Renamed group');
    expect(ren.objectGuid).toBe(before.get(g.rename)!.objectGuid);

    expect(after.get(g.describe)!.description).toBe('new description');
    expect(await members(after.get(g.members)!.dn)).toEqual(dns(1, 2, 3));

    const soft = after.get(g.soft)!;
    expect(soft.objectGuid).toBe(before.get(g.soft)!.objectGuid);
    expect(await members(soft.dn)).toEqual([]);

    expect(after.has(g.purge)).toBe(false);

    const leave = after.get(g.leave)!;
    expect(leave.usnChanged).toBe(before.get(g.leave)!.usnChanged);
    expect(await members(leave.dn)).toEqual(dns(7));

    const nestedAd = after.get(g.nested)!;
    expect(await members(nestedAd.dn)).toEqual(dns(11));
    expect(await members(after.get(g.parent)!.dn)).toEqual([...dns(8), normalizeDn(nestedAd.dn)].sort());

    const moved = after.get(g.move)!;
    expect(normalizeDn(moved.dn)).toBe(normalizeDn(cnDn(expectedCn('Move me', g.move), lab.dc.targetOu2)));
    expect(moved.objectGuid).toBe(before.get(g.move)!.objectGuid);

    expect(after.get(g.untouched)!.usnChanged).toBe(before.get(g.untouched)!.usnChanged);
    // rename: modDN + modify; describe: modify; members: add + remove; soft: empty; purge: delete; leave: none;
    // nested: create with its member inline (one add); parent: member add; move: modDN.
    expect(r.ldap.writes).toBe(10);
    expect(r.ldap).toMatchObject({ adds: 1, modifies: 6, modDNs: 2, deletes: 1 });

    const leaveLog = await logEntries(config, { cycleId: r.summary.cycleId, groupId: g.leave });
    expect(leaveLog.map((e) => e.action)).toEqual(['release']);
    expect(leaveLog[0].reason).toMatch(/left the provisioning scope.*not security-enabled.*no longer managed/);
  });

  it('a restore brings the same group back with its members', async () => {
    lab.store!.restoreObject(g.soft);
    const r = await cycle(config);
    expect(r.summary).toMatchObject({ mode: 'delta', errors: 0 });
    const soft = (await byId()).get(g.soft)!;
    expect(soft.objectGuid).toBe(before.get(g.soft)!.objectGuid);
    expect(await members(soft.dn)).toEqual(dns(4, 5));
  });

  it('a group that left scope is no longer managed: later cloud changes are not written', async () => {
    lab.store!.updateGroup(g.leave, { displayName: 'Changed after leaving' });
    const r = await cycle(config);
    expect(r.ldap.writes).toBe(0);
    expect((await byId()).get(g.leave)!.displayName).toBe('Leave scope');
  });

  it('an expired delta token → a full cycle by itself, which also reverts AD edits', async () => {
    const now = await byId();
    const describe = now.get(g.describe)!;
    await client.modify(describe.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['edited in AD'] }) }));
    await client.modify(now.get(g.members)!.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [users[5].dn] }) }));
    lab.store!.updateGroup(g.untouched, { description: 'changed in the cloud' });
    lab.graph!.delta.expireAll();

    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary.mode).toBe('full');
    expect(r.summary.fullReason).toMatch(/expired/);
    const after = await byId();
    expect(after.get(g.describe)!.description).toBe('new description');
    expect(await members(after.get(g.members)!.dn)).toEqual(dns(1, 2, 3));
    expect(after.get(g.untouched)!.description).toBe('changed in the cloud');
    const next = await cycle(config);
    expect(next.summary.mode).toBe('delta');
    expect(next.ldap.writes).toBe(0);
  });
});
