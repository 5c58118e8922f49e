/**
 * The engine operations as the PowerShell module calls them (operation registry, secrets handed over like the
 * bridge's stdin), against the lab: scope, plan (-WhatIf), run, verify (drift), on-demand. AD is read back over LDAP.
 */
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/ops';
import { EventSink, type CoreEvent } from '../../src/core/events';
import { getOperation } from '../../src/core/operation';
import { normalizeDn } from '../../src/directory/dn';
import { startLab, type Lab } from '../lab/fixture';
import { readAnchoredGroups, readMembers } from './engine-helpers';

let lab: Lab;
let client: Client;
let secrets: Record<string, string>;
let users: { id: string; dn: string }[];
const g: Record<string, string> = {};

async function call(op: string, params: Record<string, unknown> = {}): Promise<{ code: number | void; results: { typeName: string; data: any }[]; events: CoreEvent[] }> {
  const sink = new EventSink();
  const events: CoreEvent[] = [];
  sink.on((e) => events.push(e));
  const code = await getOperation(op).run({ configPath: lab.config!.path, ...params }, { sink, signal: new AbortController().signal, secrets });
  return { code, events, results: events.filter((e): e is Extract<CoreEvent, { type: 'result' }> => e.type === 'result').map((e) => ({ typeName: e.typeName, data: e.data })) };
}

beforeAll(async () => {
  lab = await startLab({ users: 6, cloudUsers: 1 });
  secrets = { 'tenant.clientSecret': lab.graph!.clientSecret };
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: lab.seeded.users!.ad[i].dn }));
  const s = lab.store!;
  const add = (key: string, name: string, members: string[], patch: Record<string, unknown> = {}) => {
    const grp = s.addGroup({ displayName: name, mailEnabled: false, securityEnabled: true, mailNickname: key, ...patch });
    for (const m of members) s.addMember(grp.id, m);
    g[key] = grp.id;
  };
  add('a', 'Alpha', [users[0].id, users[1].id, lab.seeded.users!.cloudOnly[0].id]);
  add('b', 'Beta', [users[2].id]);
  add('m365', 'Team', [], { groupTypes: ['Unified'], mailEnabled: true });
  client = await lab.dc.connect('admin');
}, 300_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('engine operations against the lab', () => {
  it('scope lists every group with its reason', async () => {
    const r = await call('scope');
    const byId = new Map(r.results.map((x) => [x.data.groupId, x.data]));
    expect(r.results.every((x) => x.typeName === 'GroupWriteback.ScopeEntry')).toBe(true);
    expect(byId.get(g.a)).toMatchObject({ inScope: true, reason: 'all security groups' });
    expect(byId.get(g.m365)).toMatchObject({ inScope: false, reason: expect.stringMatching(/Microsoft 365/) });
  });

  it('plan shows the creates, member adds and skips, and writes nothing', async () => {
    const r = await call('plan');
    const actions = r.results.map((x) => x.data);
    expect(r.results.every((x) => x.typeName === 'GroupWriteback.PlanAction')).toBe(true);
    expect(actions.filter((a) => a.action === 'create').map((a) => a.groupId).sort()).toEqual([g.a, g.b].sort());
    expect(actions.find((a) => a.action === 'memberAdd' && a.groupId === g.a)?.count).toBe(2);
    expect(actions.find((a) => a.action === 'skip' && a.sourceId === lab.seeded.users!.cloudOnly[0].id)?.reason).toMatch(/cloud-only/);
    expect(await readAnchoredGroups(client, lab.dc.baseDn)).toHaveLength(0);
  });

  it('run provisions and returns one RunSummary; verify then reports no drift', async () => {
    const r = await call('run');
    expect(r.code).toBe(0);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ typeName: 'GroupWriteback.RunSummary', data: { status: 'success', groups: { created: 2 } } });
    expect(await readAnchoredGroups(client, lab.dc.baseDn)).toHaveLength(2);
    const v = await call('verify', { failOnDrift: true });
    expect(v.results).toEqual([]);
    expect(v.code).toBe(0);
  });

  it('verify reports drift: attribute, extra and missing members, an unmanaged anchored object', async () => {
    const groups = await readAnchoredGroups(client, lab.dc.baseDn);
    const alpha = groups.find((x) => x.anchor === `Group_${g.a}`)!;
    await client.modify(alpha.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'displayName', values: ['Edited'] }) }));
    await client.modify(alpha.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [users[5].dn] }) }));
    await client.modify(alpha.dn, new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [users[0].dn] }) }));
    const stray = `CN=Stray,${lab.dc.targetOu}`;
    await client.add(stray, { objectClass: ['top', 'group'], groupType: '-2147483640', 'msDS-ExternalDirectoryObjectId': 'Group_00000000-0000-4000-8000-0000000000aa' });
    const v = await call('verify', { failOnDrift: true });
    expect(v.code).toBe(3);
    const drift = v.results.map((x) => x.data);
    expect(v.results.every((x) => x.typeName === 'GroupWriteback.Drift')).toBe(true);
    expect(drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'AttributeDiffers', groupId: g.a, attribute: 'displayName', expected: 'Alpha', actual: 'Edited' }),
        expect.objectContaining({ kind: 'MemberExtra', groupId: g.a }),
        expect.objectContaining({ kind: 'MemberMissing', groupId: g.a }),
        expect.objectContaining({ kind: 'UnmanagedObject', groupId: '00000000-0000-4000-8000-0000000000aa' }),
      ]),
    );
    expect(normalizeDn(drift.find((d) => d.kind === 'MemberExtra').member)).toBe(normalizeDn(users[5].dn));
    // A full run reverts the drift but never touches the unmanaged object.
    const r = await call('run', { full: true });
    expect(r.code).toBe(0);
    const after = await readAnchoredGroups(client, lab.dc.baseDn);
    expect(after.find((x) => x.anchor === `Group_${g.a}`)!.displayName).toBe('Alpha');
    expect((await readMembers(client, alpha.dn)).map(normalizeDn).sort()).toEqual([users[0].dn, users[1].dn].map(normalizeDn).sort());
    expect(after.some((x) => normalizeDn(x.dn) === normalizeDn(stray))).toBe(true);
  });

  it('on-demand provisions one new group with a named member, step by step', async () => {
    const grp = lab.store!.addGroup({ displayName: 'On demand', mailEnabled: false, securityEnabled: true, mailNickname: 'od' });
    lab.store!.addMember(grp.id, users[3].id);
    lab.store!.addMember(grp.id, users[4].id);
    const r = await call('on-demand', { groupId: grp.id, memberIds: [users[3].id] });
    expect(r.code).toBe(0);
    expect(r.results.map((x) => `${x.data.step}:${x.data.status}`)).toEqual(['Import:Success', 'Scope:Success', 'Match:Success', 'Map:Success', 'Action:Success', 'Member:Success']);
    expect(r.results.every((x) => x.typeName === 'GroupWriteback.OnDemandStep')).toBe(true);
    const ad = (await readAnchoredGroups(client, lab.dc.baseDn)).find((x) => x.anchor === `Group_${grp.id}`)!;
    expect((await readMembers(client, ad.dn)).map(normalizeDn)).toEqual([normalizeDn(users[3].dn)]);
  });
});
