/**
 * Inline members: a group created by the cycle carries its members in the LDAP add (one add, no member modify
 * when every member is in place), with the log, the summary and the LDAP counters as truthful as with modifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudUser } from '../../../src/model/cloud';
import type { AdUser } from '../../../src/model/directory';
import { BASE, World } from './harness';

let world: World;
afterEach(() => world?.dispose());

/** One connection: the object phase handles the groups one at a time, in the order Entra lists them. */
const SEQUENTIAL = { directory: { urls: ['ldaps://127.0.0.1'], baseDn: BASE, bindDn: 'CN=svc', password: { env: 'Y' }, connections: 1 } };

function syncedUsers(w: World, n: number): { ad: AdUser; cloud: CloudUser }[] {
  return Array.from({ length: n }, (_, i) => {
    const ad = w.target.addUser(`User ${i}`);
    const cloud = w.source.addUser({ onPremisesSyncEnabled: true, onPremisesObjectIdentifier: ad.objectGuid });
    return { ad, cloud };
  });
}

const user = (u: { cloud: CloudUser }) => ({ id: u.cloud.id, kind: 'user' as const });
const dnOf = (id: string) => world.target.groupByAnchor(`Group_${id}`)!.dn;

describe('inline members on create', () => {
  it('a fresh initial cycle makes exactly one add per group and no member modify', async () => {
    world = new World();
    const users = syncedUsers(world, 6);
    const cloudOnly = world.source.addUser({ displayName: 'cloud only' });
    const groups = Array.from({ length: 5 }, (_, i) =>
      world.source.addGroup({ displayName: `G${i}`, members: [...users.slice(i, i + 2).map(user), { id: cloudOnly.id, kind: 'user' }] }),
    );
    const empty = world.source.addGroup({ displayName: 'Empty' });
    const r = await world.run();
    expect(r.summary.status).toBe('success');
    const ops = world.target.countOperations();
    expect(ops).toMatchObject({ adds: 6, modifies: 0, modDNs: 0, deletes: 0, memberValuesAdded: 10, writes: 6 });
    expect(r.summary.members).toMatchObject({ groups: 6, added: 10, removed: 0, skipped: 5 });
    expect(r.summary.groups.created).toBe(6);
    for (const [i, g] of groups.entries()) expect(world.target.membersOf(dnOf(g.id))).toEqual(users.slice(i, i + 2).map((u) => u.ad.dn).sort());
    expect(world.target.membersOf(dnOf(empty.id))).toEqual([]);
    // Graph: the members came with the groups in the initial delta round; no members request per group.
    expect(world.source.calls.delta).toBe(1);
    expect(world.source.calls.listMembers ?? 0).toBe(0);

    const adds = await world.log({ action: 'memberAdd', cycleId: r.summary.cycleId });
    expect(adds).toHaveLength(5);
    for (const [i, g] of groups.entries()) {
      const e = adds.find((a) => a.groupId === g.id)!;
      expect(e).toMatchObject({ result: 'success', count: 2, targetDn: dnOf(g.id), reason: expect.stringMatching(/with the create/) });
      expect([...e.memberIds!].sort()).toEqual(users.slice(i, i + 2).map((u) => u.cloud.id).sort());
      expect(e.modified).toEqual([{ attribute: 'member', old: null, new: users.slice(i, i + 2).map((u) => u.ad.dn) }]);
    }
    const skips = await world.log({ action: 'skip', cycleId: r.summary.cycleId });
    expect(skips.filter((s) => s.sourceId === cloudOnly.id && /cloud-only/.test(s.reason ?? ''))).toHaveLength(5);
    // The create record still lists the attributes only (the values are in the memberAdd record).
    const creates = await world.log({ action: 'create', cycleId: r.summary.cycleId });
    expect(creates).toHaveLength(6);
    expect(creates.every((c) => !c.modified?.some((m) => m.attribute.toLowerCase() === 'member'))).toBe(true);

    const before = world.target.totalWrites;
    expect((await world.run({ full: true })).summary.groups.unchanged).toBe(6);
    expect(world.target.totalWrites).toBe(before);
  });

  it('the plan (dry run) is unchanged: a create and a memberAdd with every member', async () => {
    world = new World();
    const users = syncedUsers(world, 3);
    const g = world.source.addGroup({ displayName: 'G', members: users.map(user) });
    const plan = await world.run({ dryRun: true });
    expect(plan.actions.filter((a) => a.groupId === g.id).map((a) => a.kind)).toEqual(['create', 'memberAdd']);
    const add = plan.actions.find((a) => a.kind === 'memberAdd');
    expect(add && 'memberDns' in add ? [...add.memberDns].sort() : []).toEqual(users.map((u) => u.ad.dn).sort());
    expect(world.target.totalWrites).toBe(0);
    const run = await world.run();
    expect(run.summary.members).toEqual(plan.summary.members);
  });

  it('above batchSize: the first batchSize values inline, the rest in batched modifies', async () => {
    world = new World({ membership: { batchSize: 3 } });
    const users = syncedUsers(world, 8);
    const g = world.source.addGroup({ displayName: 'Big', members: users.map(user) });
    const r = await world.run();
    expect(world.target.countOperations()).toMatchObject({ adds: 1, modifies: 2, memberValuesAdded: 8 });
    expect(r.summary.members.added).toBe(8);
    expect(world.target.membersOf(dnOf(g.id))).toEqual(users.map((u) => u.ad.dn).sort());
    const adds = await world.log({ action: 'memberAdd', groupId: g.id });
    expect(adds.map((a) => a.count)).toEqual([3, 3, 2]);
    expect(adds[0].reason).toMatch(/with the create/);
    expect(adds.slice(1).every((a) => a.reason === undefined)).toBe(true);
  });

  it('a nested group created earlier in the cycle goes inline; one created later is added by the member phase', async () => {
    world = new World(SEQUENTIAL);
    const users = syncedUsers(world, 3);
    const child = world.source.addGroup({ displayName: 'Child', members: [user(users[0])] });
    const parentAfter = world.source.addGroup({ displayName: 'Parent after', members: [user(users[1]), { id: child.id, kind: 'group' }] });
    const parentBefore = world.source.addGroup({ displayName: 'Parent before', members: [user(users[2])] });
    const late = world.source.addGroup({ displayName: 'Late child', members: [user(users[0])] });
    // Listed before the group it nests: that reference waits for the member phase.
    world.source.groups.get(parentBefore.id)!.members.push({ id: late.id, kind: 'group' });
    const r = await world.run();
    expect(r.summary.status).toBe('success');
    expect(world.target.membersOf(dnOf(parentAfter.id))).toEqual([users[1].ad.dn, dnOf(child.id)].sort());
    expect(world.target.membersOf(dnOf(parentBefore.id))).toEqual([users[2].ad.dn, dnOf(late.id)].sort());
    // 4 adds; one modify: the deferred reference of "Parent before" to "Late child".
    expect(world.target.countOperations()).toMatchObject({ adds: 4, modifies: 1, memberValuesAdded: 6 });
    expect(r.summary.members).toMatchObject({ groups: 4, added: 6, skipped: 0 });
    const adds = await world.log({ action: 'memberAdd', groupId: parentBefore.id });
    expect(adds.map((a) => [a.count, a.memberIds])).toEqual([
      [1, [users[2].cloud.id]],
      [1, [late.id]],
    ]);
    // Graph: members came with the groups (the deferred step resolves only the nested ids).
    expect(world.source.calls.listMembers ?? 0).toBe(0);
  });

  it('deferred nested groups that are not provisioned are skipped with their reason and wait for the child', async () => {
    world = new World({ ...SEQUENTIAL, scope: { mode: 'all', filters: [[{ attribute: 'description', operator: 'IS NOT NULL' }]] } });
    const users = syncedUsers(world, 1);
    const parent = world.source.addGroup({ displayName: 'Parent', description: 'in', members: [user(users[0])] });
    const child = world.source.addGroup({ displayName: 'Child', description: null, members: [user(users[0])] });
    world.source.groups.get(parent.id)!.members.push({ id: child.id, kind: 'group' });
    const r = await world.run();
    expect(r.summary.status).toBe('success');
    expect(world.target.membersOf(dnOf(parent.id))).toEqual([users[0].ad.dn]);
    expect(world.target.countOperations()).toMatchObject({ adds: 1, modifies: 0 });
    const skip = (await world.log({ action: 'skip', groupId: parent.id })).find((s) => s.sourceId === child.id);
    expect(skip?.reason).toMatch(/out-of-scope group/);
    expect(world.store().doc.nestedWaiting?.[child.id]).toEqual([parent.id]);
    // The child enters scope: the parent that waited for it gets the reference.
    world.source.update(child.id, { description: 'now in scope' });
    await world.run();
    expect(world.target.membersOf(dnOf(parent.id))).toEqual([users[0].ad.dn, dnOf(child.id)].sort());
  });

  it('MemberNotFound on the create: the group is done, the written members are counted, the group is retried', async () => {
    world = new World();
    const users = syncedUsers(world, 3);
    const g = world.source.addGroup({ displayName: 'G', members: users.map(user) });
    const other = world.source.addGroup({ displayName: 'Other', members: [user(users[0])] });
    // users[2] is deleted in AD after the members were resolved, just before the add.
    world.target.failWrite = (op, dn) => {
      if (op === 'add' && dn.startsWith('CN=G_')) {
        world.target.failWrite = undefined;
        world.target.removeObject(users[2].ad.dn);
      }
      return undefined;
    };
    const r = await world.run();
    expect(r.summary.status).toBe('partial');
    expect(r.summary.errorSamples).toEqual([expect.objectContaining({ groupId: g.id, code: 'MemberNotFound' })]);
    expect(r.summary.groups).toMatchObject({ created: 2, failed: 1 });
    expect(r.summary.members.added).toBe(3); // 2 of G's 3 + Other's 1
    const ad = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(world.target.membersOf(ad.dn)).toEqual([users[0].ad.dn, users[1].ad.dn].sort());
    expect(world.target.membersOf(dnOf(other.id))).toEqual([users[0].ad.dn]);
    const doc = world.store().doc;
    expect(doc.groups[g.id]).toMatchObject({ status: 'managed', dn: ad.dn, objectGuid: ad.objectGuid });
    expect(doc.failed[g.id]).toMatchObject({ attempts: 1, error: { code: 'MemberNotFound' } });
    const adds = await world.log({ action: 'memberAdd', groupId: g.id });
    expect(adds.map((a) => a.count)).toEqual([2]);
    const failures = await world.log({ result: 'failure', groupId: g.id, cycleId: r.summary.cycleId });
    expect(failures.map((e) => e.error?.code)).toEqual(['MemberNotFound']);
    // The create itself is logged as a success.
    expect(await world.log({ action: 'create', groupId: g.id })).toEqual([expect.objectContaining({ result: 'success', targetDn: ad.dn })]);

    // Retried next cycle (delta): no duplicate, the missing member is now a logged skip, nothing failed.
    const next = await world.run();
    expect(next.summary.mode).toBe('delta');
    expect(next.summary.status).toBe('success');
    expect(world.target.groups().filter((x) => x.anchor === `Group_${g.id}`)).toHaveLength(1);
    expect(world.target.membersOf(ad.dn)).toEqual([users[0].ad.dn, users[1].ad.dn].sort());
    expect(world.store().doc.failed).toEqual({});
    const skip = (await world.log({ action: 'skip', cycleId: next.summary.cycleId })).find((s) => s.sourceId === users[2].cloud.id);
    expect(skip?.reason).toMatch(/not found in AD/);
  });

  it('if the members cannot be read before the create, the group is created bare and the member phase writes them', async () => {
    world = new World();
    const users = syncedUsers(world, 2);
    await world.run();
    // A delta cycle reads a new group's members from Graph before the create (a full cycle has them already).
    const g = world.source.addGroup({ displayName: 'G', members: users.map(user) });
    const list = world.source.listMembers.bind(world.source);
    let failures = 1;
    world.source.listMembers = (id: string) => {
      if (failures-- > 0) throw new Error('Graph throttled');
      return list(id);
    };
    const r = await world.run();
    expect(r.summary.status).toBe('success');
    expect(world.target.membersOf(dnOf(g.id))).toEqual(users.map((u) => u.ad.dn).sort());
    expect(world.target.countOperations()).toMatchObject({ adds: 1, modifies: 1, memberValuesAdded: 2 });
    expect(r.summary.members).toMatchObject({ groups: 1, added: 2 });
  });

  it('keepUnmanagedMembers remembers the members written inline', async () => {
    world = new World({ membership: { keepUnmanagedMembers: true } });
    const users = syncedUsers(world, 3);
    const g = world.source.addGroup({ displayName: 'G', members: users.slice(0, 2).map(user) });
    await world.run();
    const dn = dnOf(g.id);
    expect(world.store().doc.groups[g.id].writtenMembers?.length).toBe(2);
    // An AD-side addition is kept; a cloud-side removal of an inline-written member is applied.
    world.target.tamperMembers(dn, [users[2].ad.dn]);
    world.source.removeMember(g.id, users[0].cloud.id);
    await world.run();
    expect(world.target.membersOf(dn)).toEqual([users[1].ad.dn, users[2].ad.dn].sort());
  });
});
