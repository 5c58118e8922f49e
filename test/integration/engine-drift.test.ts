/**
 * Drift reconciliation on delta cycles: managed groups changed in AD by hand since the last cycle are found by
 * one uSNChanged search and repaired by the next DELTA cycle (a member added by hand removed, one removed by
 * hand re-added), logged as drift; groups nobody touched get 0 writes; the engine's own writes do not make the
 * following cycle reconcile again; membership.keepUnmanagedMembers still keeps hand-added members.
 */
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, logEntries, readAnchoredGroups, readMembers, type AdGroupRead } from './engine-helpers';

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
const g: Record<string, string> = {};
let users: { id: string; dn: string }[];

const byId = async (): Promise<Map<string, AdGroupRead>> => new Map((await readAnchoredGroups(client, lab.dc.baseDn)).map((x) => [x.anchor!.slice(6), x]));
const members = async (dn: string) => (await readMembers(client, dn)).map(normalizeDn).sort();
const dns = (...idx: number[]) => idx.map((i) => normalizeDn(users[i].dn)).sort();
const member = (op: 'add' | 'delete', dn: string, userDn: string) =>
  client.modify(dn, new Change({ operation: op, modification: new Attribute({ type: 'member', values: [userDn] }) }));

beforeAll(async () => {
  lab = await startLab({ users: 8 });
  const store = lab.store!;
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: lab.seeded.users!.ad[i].dn }));
  config = labConfig(lab);
  const add = (key: string, memberIdx: number[]) => {
    const grp = store.addGroup({ displayName: `Drift ${key}`, mailEnabled: false, securityEnabled: true, mailNickname: key });
    for (const i of memberIdx) store.addMember(grp.id, users[i].id);
    g[key] = grp.id;
  };
  add('a', [0, 1]);
  add('b', [2]);
  add('c', [3]);
  add('d', []);
  client = await lab.dc.connect('admin');
  const first = await cycle(config);
  expect(first.error).toBeUndefined();
  expect(first.summary.groups.created).toBe(4);
}, 300_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('drift reconciliation on delta cycles', () => {
  it('a delta cycle after the first cycle finds no drift in the engine\'s own writes: 0 writes', async () => {
    const r = await cycle(config);
    expect(r.summary).toMatchObject({ mode: 'delta', status: 'success', drift: { changedGroups: 0, repairedGroups: 0 } });
    expect(r.ldap.writes).toBe(0);
  });

  it('a member added by hand is removed and one removed by hand re-added by the next delta cycle, logged as drift', async () => {
    const before = await byId();
    await member('add', before.get(g.a)!.dn, users[4].dn);
    await member('delete', before.get(g.b)!.dn, users[2].dn);
    const touched = await byId();

    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary).toMatchObject({ mode: 'delta', status: 'success', drift: { changedGroups: 2, repairedGroups: 2 } });
    expect(r.summary.members).toMatchObject({ added: 1, removed: 1 });
    // Two repairs, one modify each; the untouched groups got no write at all.
    expect(r.ldap.writes).toBe(2);
    const after = await byId();
    expect(await members(after.get(g.a)!.dn)).toEqual(dns(0, 1));
    expect(await members(after.get(g.b)!.dn)).toEqual(dns(2));
    for (const k of ['c', 'd']) expect(after.get(g[k])!.usnChanged).toBe(touched.get(g[k])!.usnChanged);

    const drift = await logEntries(config, { cycleId: r.summary.cycleId, action: 'drift' });
    expect(drift.map((e) => e.groupId).sort()).toEqual([g.a, g.b].sort());
    const a = drift.find((e) => e.groupId === g.a)!;
    expect(a.result).toBe('warning');
    expect(a.modified).toEqual([{ attribute: 'member', old: null, new: [expect.stringMatching(/^CN=/)] }]);
    expect(normalizeDn((a.modified![0].new as string[])[0])).toBe(normalizeDn(users[4].dn));
    expect(a.reason).toMatch(/last changed in AD at \d{4}-\d\d-\d\dT/);
    expect(a.reason).toContain('removed');
    expect(a.reason).toContain('AD does not record the account');
    const removed = await logEntries(config, { cycleId: r.summary.cycleId, action: 'memberRemove' });
    expect(removed[0].reason).toMatch(/^drift:/);
    expect(r.events.some((e) => e.type === 'log' && (e as { level?: string }).level === 'warning')).toBe(true);
  });

  it('the engine does not loop on its own repairs: the next delta cycle writes nothing', async () => {
    const r = await cycle(config);
    expect(r.summary).toMatchObject({ mode: 'delta', drift: { changedGroups: 0 } });
    expect(r.ldap.writes).toBe(0);
  });

  it('membership.keepUnmanagedMembers keeps a member added by hand (drift logged as skipped), 0 writes', async () => {
    const keep = labConfig(lab, (d) => {
      d.membership = { ...(d.membership ?? {}), keepUnmanagedMembers: true };
    });
    keep.state = config.state;
    const settle = await cycle(keep); // the configuration changed: one full cycle
    expect(settle.error).toBeUndefined();
    const ad = await byId();
    await member('add', ad.get(g.c)!.dn, users[5].dn);
    const r = await cycle(keep);
    expect(r.summary).toMatchObject({ mode: 'delta', drift: { changedGroups: 1, repairedGroups: 0 } });
    expect(r.ldap.writes).toBe(0);
    expect(await members(ad.get(g.c)!.dn)).toEqual(dns(3, 5));
    const drift = await logEntries(keep, { cycleId: r.summary.cycleId, action: 'drift' });
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ groupId: g.c, result: 'skipped' });
    expect(drift[0].reason).toContain('kept (membership.keepUnmanagedMembers)');
  });
});
