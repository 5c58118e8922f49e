/**
 * Delta cycles apply a changed group's member adds/removes directly (engine/member-delta.ts): only the changed
 * members are resolved and written — no member listing from Graph, no `member` read from AD — whenever the delta
 * describes the whole change; every other case is the full reconcile.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CloudUser } from '../../../src/model/cloud';
import type { AdUser } from '../../../src/model/directory';
import { normalizeDn } from '../../../src/directory/dn';
import { BASE, World } from './harness';

let world: World;
afterEach(() => world?.dispose());

type U = { ad: AdUser; cloud: CloudUser };

function syncedUsers(w: World, n: number): U[] {
  return Array.from({ length: n }, (_, i) => {
    const ad = w.target.addUser(`User ${i}`);
    const cloud = w.source.addUser({ onPremisesSyncEnabled: true, onPremisesObjectIdentifier: ad.objectGuid });
    return { ad, cloud };
  });
}

const ref = (u: U) => ({ id: u.cloud.id, kind: 'user' as const });
const dnOf = (id: string) => world.target.groupByAnchor(`Group_${id}`)!.dn;

/** Which groups had their members listed from Graph / read from AD during `fn`. */
async function watchFullReads<T>(fn: () => Promise<T>): Promise<{ result: T; listed: string[]; read: string[] }> {
  const listed: string[] = [];
  const read: string[] = [];
  const listMembers = world.source.listMembers.bind(world.source);
  const readMembers = world.target.readMembers.bind(world.target);
  const list = vi.spyOn(world.source, 'listMembers').mockImplementation((id: string) => {
    listed.push(id);
    return listMembers(id);
  });
  const readSpy = vi.spyOn(world.target, 'readMembers').mockImplementation((dn: string) => {
    read.push(dn);
    return readMembers(dn);
  });
  try {
    return { result: await fn(), listed, read };
  } finally {
    list.mockRestore();
    readSpy.mockRestore();
  }
}

function setup(overrides: Record<string, unknown> = {}, members = 6) {
  world = new World(overrides);
  const users = syncedUsers(world, members + 4);
  const g = world.source.addGroup({ displayName: 'Big', members: users.slice(0, members).map(ref) });
  return { users, g };
}

describe('delta cycles: member changes applied directly', () => {
  it('writes only the adds and removes the delta carried, without listing or reading the group', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    world.source.addMember(g.id, ref(users[6]));
    world.source.addMember(g.id, ref(users[7]));
    world.source.removeMember(g.id, users[0].cloud.id);
    // Added then removed within the round: the last state wins (not added); removed then added back: stays.
    world.source.addMember(g.id, ref(users[8]));
    world.source.removeMember(g.id, users[8].cloud.id);
    world.source.removeMember(g.id, users[1].cloud.id);
    world.source.addMember(g.id, ref(users[1]));
    world.source.pageSize = 2; // the group's changes span several delta pages
    const writes = world.target.countOperations();
    const { result: r, listed, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(r.summary.mode).toBe('delta');
    expect(listed).toEqual([]);
    expect(read).toEqual([]);
    expect(world.target.membersOf(dn)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => users[i].ad.dn).sort());
    const after = world.target.countOperations();
    // One add batch (users 1, 6, 7 — user 1 is already there: a no-op under permissive modify) and one remove batch.
    expect(after.modifies - writes.modifies).toBe(2);
    // User 8, added and removed again within the round, ends removed: its removal is a no-op in AD.
    expect(r.summary.members).toMatchObject({ groups: 1, added: 3, removed: 2 });
    const removes = await world.log({ action: 'memberRemove', cycleId: r.summary.cycleId });
    expect(removes.map((e) => [e.targetDn, e.memberIds?.slice().sort()])).toEqual([[dn, [users[0].cloud.id, users[8].cloud.id].sort()]]);
    const adds = await world.log({ action: 'memberAdd', cycleId: r.summary.cycleId });
    expect(adds.flatMap((e) => e.memberIds).sort()).toEqual([users[1], users[6], users[7]].map((u) => u.cloud.id).sort());
  });

  it('a group changed in AD outside the engine (drift) is reconciled in full instead', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    Object.assign(world.target, { highestCommittedUsn: async () => '1', findChangedGroups: async () => [] });
    world.target.tamperMembers(dn, [users[9].ad.dn], [users[2].ad.dn]);
    const store = world.store();
    store.doc.driftPending = { [g.id]: dn };
    await store.save();
    world.source.addMember(g.id, ref(users[6]));
    const { result: r, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(read).toEqual([dn]);
    // The hand-made changes are repaired, the cloud change applied.
    expect(world.target.membersOf(dn)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => users[i].ad.dn).sort());
  });

  it('keepUnmanagedMembers: removes only members GroupWriteback wrote and keeps its record of them', async () => {
    const { users, g } = setup({ membership: { keepUnmanagedMembers: true } });
    await world.run();
    const dn = dnOf(g.id);
    // users[0] was in AD before GroupWriteback managed the group: not written by it.
    const store = world.store();
    const unmanaged = normalizeDn(users[0].ad.dn);
    store.doc.groups[g.id].writtenMembers = store.doc.groups[g.id].writtenMembers!.filter((m) => m !== unmanaged);
    expect(store.doc.groups[g.id].writtenMembers).toHaveLength(5);
    await store.save();
    world.source.removeMember(g.id, users[0].cloud.id);
    world.source.removeMember(g.id, users[1].cloud.id);
    world.source.addMember(g.id, ref(users[6]));
    const { result: r, listed, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(listed).toEqual([]);
    expect(read).toEqual([]);
    expect(world.target.membersOf(dn)).toEqual([0, 2, 3, 4, 5, 6].map((i) => users[i].ad.dn).sort());
    const written = world.store().doc.groups[g.id].writtenMembers!;
    expect(written.slice().sort()).toEqual([2, 3, 4, 5, 6].map((i) => normalizeDn(users[i].ad.dn)).sort());
  });

  it('the member-removal guard holds a large removal (its base: the count before the delta); the adds go on', async () => {
    const { users, g } = setup({ safety: { memberRemovalThreshold: { percent: 40, minGroupSize: 5 } } });
    await world.run();
    const dn = dnOf(g.id);
    for (const i of [0, 1, 2]) world.source.removeMember(g.id, users[i].cloud.id);
    world.source.addMember(g.id, ref(users[6]));
    world.source.addMember(g.id, ref(users[7]));
    world.source.addMember(g.id, ref(users[8]));
    // The base is the count before the delta (6): 3 removals = 50 % > 40 %, held. (Against the 9 members AD holds
    // once the adds are written it would be 33 % and pass.)
    const { result: r, listed, read } = await watchFullReads(() => world.run());
    expect(listed).toEqual([]);
    expect(read).toEqual([]);
    expect(r.summary.status).toBe('held');
    expect(r.summary.held?.count).toBe(1);
    expect(world.target.membersOf(dn)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => users[i].ad.dn).sort());
    const batch = world.store().doc.held.find((b) => b.status === 'held')!;
    expect(batch.actions[0].memberDns?.slice().sort()).toEqual([0, 1, 2].map((i) => users[i].ad.dn).sort());
    // While the batch waits, a later change of the group is reconciled in full (and its removals held too).
    world.source.addMember(g.id, ref(users[9]));
    const { read: read2 } = await watchFullReads(() => world.run());
    expect(read2).toEqual([dn]);
    expect(world.target.membersOf(dn)).toContain(users[9].ad.dn);
  });

  it('a dry run plans the same adds and removes and writes nothing', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    world.source.addMember(g.id, ref(users[6]));
    world.source.removeMember(g.id, users[0].cloud.id);
    const before = world.target.countOperations();
    const { result: plan, listed, read } = await watchFullReads(() => world.run({ dryRun: true }));
    expect(listed).toEqual([]);
    expect(read).toEqual([]);
    expect(world.target.countOperations().writes).toBe(before.writes);
    expect(plan.actions.filter((a) => a.kind === 'memberAdd' || a.kind === 'memberRemove')).toEqual([
      expect.objectContaining({ kind: 'memberAdd', groupId: g.id, dn, memberDns: [users[6].ad.dn] }),
      expect.objectContaining({ kind: 'memberRemove', groupId: g.id, dn, memberDns: [users[0].ad.dn] }),
    ]);
    const real = await world.run();
    expect(real.summary.members).toMatchObject({ added: plan.summary.members.added, removed: plan.summary.members.removed });
    expect(world.target.membersOf(dn)).toEqual([1, 2, 3, 4, 5, 6].map((i) => users[i].ad.dn).sort());
  });

  it('a removed member never written to AD (no AD account) is skipped with its reason, without a full read', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    world.source.removeMember(g.id, users[0].cloud.id);
    world.target.tamperMembers(dn, [], [users[0].ad.dn]); // the account was deleted in AD: AD dropped its links itself
    world.target.removeObject(users[0].ad.dn);
    world.source.removeMember(g.id, users[1].cloud.id);
    const { result: r, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(read).toEqual([]);
    expect(world.target.membersOf(dn)).toEqual([2, 3, 4, 5].map((i) => users[i].ad.dn).sort());
    const skip = (await world.log({ action: 'skip', groupId: g.id, cycleId: r.summary.cycleId })).find((s) => s.sourceId === users[0].cloud.id);
    expect(skip?.reason).toMatch(/removed from the cloud group, nothing to remove in AD: not found in AD/i);
    expect(world.store().doc.failed).toEqual({});
  });

  it('a removed user deleted in Entra whose AD account stays (it left the sync scope) is removed: the group is reconciled in full', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    world.source.removeMember(g.id, users[0].cloud.id);
    world.source.users.delete(users[0].cloud.id);
    world.source.removeMember(g.id, users[1].cloud.id);
    const { result: r, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(read).toEqual([dn]);
    expect(world.target.membersOf(dn)).toEqual([2, 3, 4, 5].map((i) => users[i].ad.dn).sort());
    expect(r.summary.members.removed).toBe(2);
    expect(world.store().doc.failed).toEqual({});
  });

  it('a nested group added before it is provisioned is skipped and the parent waits for it', async () => {
    const SCOPED = { scope: { mode: 'all', filters: [[{ attribute: 'description', operator: 'IS NOT NULL' }]] } };
    world = new World({ ...SCOPED, directory: { urls: ['ldaps://127.0.0.1'], baseDn: BASE, bindDn: 'CN=svc', password: { env: 'Y' }, connections: 1 } });
    const users = syncedUsers(world, 3);
    const parent = world.source.addGroup({ displayName: 'Parent', description: 'in', members: [ref(users[0])] });
    const child = world.source.addGroup({ displayName: 'Child', description: null, members: [ref(users[1])] });
    await world.run();
    world.source.addMember(parent.id, { id: child.id, kind: 'group' });
    world.source.addMember(parent.id, ref(users[2]));
    const { result: r, read } = await watchFullReads(() => world.run());
    expect(r.summary.status).toBe('success');
    expect(read).toEqual([]);
    expect(world.target.membersOf(dnOf(parent.id))).toEqual([users[0].ad.dn, users[2].ad.dn].sort());
    const skip = (await world.log({ action: 'skip', groupId: parent.id, cycleId: r.summary.cycleId })).find((s) => s.sourceId === child.id);
    expect(skip?.reason).toMatch(/out-of-scope group/);
    expect(world.store().doc.nestedWaiting?.[child.id]).toEqual([parent.id]);
    // The child enters scope: the parent is reconciled in full and gets the reference.
    world.source.update(child.id, { description: 'now in scope' });
    await world.run();
    expect(world.target.membersOf(dnOf(parent.id))).toEqual([users[0].ad.dn, users[2].ad.dn, dnOf(child.id)].sort());
  });

  it('a managed group re-created this cycle (deleted in AD) gets all its members, not only the delta\'s', async () => {
    const { users, g } = setup();
    await world.run();
    await world.target.deleteGroup(dnOf(g.id));
    world.source.addMember(g.id, ref(users[6]));
    const r = await world.run();
    expect(r.summary.status).toBe('success');
    expect(r.summary.groups.created).toBe(1);
    expect(world.target.membersOf(dnOf(g.id))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => users[i].ad.dn).sort());
  });

  it('a group whose member step failed before is reconciled in full by the next cycle', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id);
    world.target.failWrite = (op) => (op === 'modify' ? new Error('DC busy') : undefined);
    world.source.addMember(g.id, ref(users[6]));
    const failed = await world.run();
    expect(failed.summary.status).not.toBe('success');
    world.target.failWrite = undefined;
    // Retried: the changes of the failed round are gone from the next delta, so the group is read in full.
    const { read } = await watchFullReads(() => world.run());
    expect(read).toEqual([dn]);
    expect(world.target.membersOf(dn)).toContain(users[6].ad.dn);
  });
});
