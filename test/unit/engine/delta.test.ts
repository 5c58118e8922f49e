import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { cnDn } from '../../../src/directory/dn';
import { approveBatch } from '../../../src/engine/safety';
import { defaultCn, OU, World } from './harness';

let world: World;
afterEach(() => world?.dispose());

function setup(overrides: Record<string, unknown> = {}) {
  world = new World(overrides);
  const w = world;
  const users = Array.from({ length: 4 }, (_, i) => {
    const ad = w.target.addUser(`User ${i}`);
    const cloud = w.source.addUser({ onPremisesSyncEnabled: true, onPremisesObjectIdentifier: ad.objectGuid });
    return { ad, cloud };
  });
  const g = w.source.addGroup({ displayName: 'Engineering', description: 'Eng', members: [{ id: users[0].cloud.id, kind: 'user' }, { id: users[1].cloud.id, kind: 'user' }] });
  const other = w.source.addGroup({ displayName: 'Other', members: [{ id: users[2].cloud.id, kind: 'user' }] });
  return { users, g, other };
}

const dnOf = (anchorId: string) => world.target.groupByAnchor(`Group_${anchorId}`)?.dn;

describe('delta cycles', () => {
  it('applies a rename, a description change and member add/remove, and nothing else', async () => {
    const { users, g, other } = setup();
    await world.run();
    const otherBefore = world.target.groupByAnchor(`Group_${other.id}`)!;
    world.source.update(g.id, { displayName: 'Engineering (R&D)', description: null });
    world.source.addMember(g.id, { id: users[3].cloud.id, kind: 'user' });
    world.source.removeMember(g.id, users[0].cloud.id);
    const writes = world.target.totalWrites;
    const r = await world.run();
    expect(r.summary.mode).toBe('delta');
    const ad = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(ad.dn).toBe(cnDn(defaultCn('Engineering (R&D)', g.id), OU));
    expect(ad.attributes.displayName).toBe('Engineering (R&D)');
    expect(ad.attributes.description).toBeUndefined();
    expect(world.target.membersOf(ad.dn)).toEqual([users[1].ad.dn, users[3].ad.dn].sort());
    expect(world.target.groupByAnchor(`Group_${other.id}`)).toEqual(otherBefore);
    // 1 modifyDN + 1 modify (attributes) + 1 add + 1 remove
    expect(world.target.totalWrites - writes).toBe(4);
    const upd = (await world.log({ action: 'update', cycleId: r.summary.cycleId }))[0];
    expect(upd.modified).toEqual(expect.arrayContaining([{ attribute: 'description', old: 'Eng', new: null }, { attribute: 'displayName', old: 'Engineering', new: 'Engineering (R&D)' }]));
    const ren = (await world.log({ action: 'rename', cycleId: r.summary.cycleId }))[0];
    expect(ren.modified?.[0]).toMatchObject({ attribute: 'distinguishedName' });
  });

  it('soft delete empties and keeps the group; restore brings the members back; permanent delete deletes', async () => {
    const { users, g } = setup();
    await world.run();
    const guid = world.target.groupByAnchor(`Group_${g.id}`)!.objectGuid;
    world.source.softDelete(g.id);
    const r1 = await world.run();
    expect(r1.summary.groups.emptied).toBe(1);
    const kept = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(kept.objectGuid).toBe(guid);
    expect(world.target.membersOf(kept.dn)).toEqual([]);
    expect(world.store().doc.groups[g.id].status).toBe('softDeleted');

    world.source.restore(g.id);
    await world.run();
    const back = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(back.objectGuid).toBe(guid);
    expect(world.target.membersOf(back.dn)).toEqual([users[0].ad.dn, users[1].ad.dn].sort());
    expect(world.store().doc.groups[g.id].status).toBe('managed');

    world.source.softDelete(g.id);
    world.source.hardDelete(g.id);
    const r3 = await world.run();
    expect(r3.summary.groups.deleted).toBe(1);
    expect(world.target.groupByAnchor(`Group_${g.id}`)).toBeUndefined();
    expect(world.store().doc.groups[g.id]).toBeUndefined();
  });

  it('a failed delete is retried by the next delta cycle', async () => {
    const { g } = setup();
    await world.run();
    world.source.softDelete(g.id);
    world.source.hardDelete(g.id);
    world.target.failWrite = (op) => (op === 'delete' ? new Error('DC busy') : undefined);
    const r1 = await world.run();
    expect(r1.summary.status).toBe('partial');
    expect(world.target.groupByAnchor(`Group_${g.id}`)).toBeDefined();
    world.target.failWrite = undefined;
    const r2 = await world.run();
    expect(r2.summary.groups.deleted).toBe(1);
    expect(world.target.groupByAnchor(`Group_${g.id}`)).toBeUndefined();
    expect(world.store().doc.failed).toEqual({});
  });

  it('full cycles detect soft and permanent deletes too (not only delta)', async () => {
    const { users, g, other } = setup();
    await world.run();
    world.source.softDelete(g.id);
    world.source.softDelete(other.id);
    world.source.hardDelete(other.id);
    const r = await world.run({ full: true });
    expect(r.summary.groups).toMatchObject({ emptied: 1, deleted: 1 });
    expect(world.target.membersOf(dnOf(g.id)!)).toEqual([]);
    expect(dnOf(other.id)).toBeUndefined();
    // Members added in AD to the soft-deleted group are removed again by a full cycle (kept empty), not counted as deletes.
    world.target.tamperMembers(dnOf(g.id)!, [users[0].ad.dn]);
    const again = await world.run({ full: true });
    expect(again.summary.groups.emptied).toBe(0);
    expect(world.target.membersOf(dnOf(g.id)!)).toEqual([]);
  });

  it('a group leaving scope is left as it is and no longer managed (default)', async () => {
    const { users, g } = setup({ scope: { mode: 'all', filters: [[{ attribute: 'description', operator: 'IS NOT NULL' }]] } });
    await world.run();
    world.source.update(g.id, { description: null });
    const writes = world.target.totalWrites;
    const r = await world.run();
    expect(r.summary.groups.released).toBe(1);
    expect(world.target.totalWrites).toBe(writes);
    expect(world.target.membersOf(dnOf(g.id)!)).toEqual([users[0].ad.dn, users[1].ad.dn].sort());
    expect(world.store().doc.groups[g.id].status).toBe('released');
    const rel = await world.log({ action: 'release', groupId: g.id });
    expect(rel[0].reason).toMatch(/left the provisioning scope.*no longer managed/);
    // Not managed any more: a change in the cloud is not written.
    world.source.update(g.id, { displayName: 'Renamed' });
    await world.run({ full: true });
    expect(world.target.groupByAnchor(`Group_${g.id}`)!.attributes.displayName).toBe('Engineering');
  });

  it.each([
    ['empty', (dn: string) => expect(world.target.membersOf(dn)).toEqual([])],
    ['convertToDistribution', (dn: string) => expect(world.target.group(dn)!.attributes.groupType).toBe('8')],
    ['delete', (dn: string) => expect(world.target.group(dn)).toBeUndefined()],
  ])('scope exit with onScopeExit=%s', async (mode, check) => {
    const { g } = setup({ lifecycle: { onScopeExit: mode }, scope: { mode: 'all', filters: [[{ attribute: 'description', operator: 'IS NOT NULL' }]] } });
    await world.run();
    const dn = dnOf(g.id)!;
    world.source.update(g.id, { description: null });
    await world.run();
    check(dn);
  });

  it('creates a new nested group before referencing it', async () => {
    const { users, g } = setup();
    await world.run();
    const nested = world.source.addGroup({ displayName: 'Nested', members: [{ id: users[2].cloud.id, kind: 'user' }] });
    world.source.addMember(g.id, { id: nested.id, kind: 'group' });
    await world.run();
    const nestedDn = dnOf(nested.id)!;
    expect(world.target.membersOf(nestedDn)).toEqual([users[2].ad.dn]);
    expect(world.target.membersOf(dnOf(g.id)!)).toContain(nestedDn);
  });

  it('a group entering scope later gets referenced by a parent that did not change', async () => {
    const { g } = setup({ scope: { mode: 'all', filters: [[{ attribute: 'description', operator: 'IS NOT NULL' }]] } });
    const child = world.source.addGroup({ displayName: 'Child', description: null });
    world.source.addMember(g.id, { id: child.id, kind: 'group' });
    await world.run();
    expect(dnOf(child.id)).toBeUndefined();
    world.source.update(child.id, { description: 'now in scope' });
    await world.run();
    expect(world.target.membersOf(dnOf(g.id)!)).toContain(dnOf(child.id));
  });

  it('a container change in the configuration moves the groups (full cycle)', async () => {
    const { g, other } = setup();
    await world.run();
    const NEW = `OU=Moved,${'DC=lab,DC=example,DC=com'}`;
    world.target.addContainer(NEW);
    world.configure({ target: { container: NEW } });
    const r = await world.run();
    expect(r.summary.mode).toBe('full');
    expect(r.summary.fullReason).toMatch(/configuration changed/);
    expect(r.summary.groups.moved).toBe(2);
    expect(dnOf(g.id)).toBe(cnDn(defaultCn('Engineering', g.id), NEW));
    expect(dnOf(other.id)).toBe(cnDn(defaultCn('Other', other.id), NEW));
  });

  it('an expired delta token falls back to a full cycle by itself', async () => {
    const { g } = setup();
    await world.run();
    world.source.expireDeltaLinks();
    world.source.update(g.id, { description: 'changed' });
    world.target.tamper(dnOf(g.id)!, { displayName: 'edited in AD' });
    const r = await world.run();
    expect(r.error).toBeUndefined();
    expect(r.summary.mode).toBe('full');
    expect(r.summary.fullReason).toMatch(/expired/);
    const ad = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(ad.attributes).toMatchObject({ description: 'changed', displayName: 'Engineering' });
    expect((await world.run()).summary.mode).toBe('delta');
  });

  it('a full cycle reverts AD edits (drift): attributes, rename, members', async () => {
    const { users, g } = setup();
    await world.run();
    const dn = dnOf(g.id)!;
    world.target.tamper(dn, { description: 'hacked', displayName: null });
    world.target.tamperMembers(dn, [users[3].ad.dn], [users[0].ad.dn]);
    await world.target.moveGroup(dn, cnDn('Renamed in AD', OU));
    const r = await world.run({ full: true });
    expect(r.summary.groups.renamed).toBe(1);
    const ad = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(ad.dn).toBe(dn);
    expect(ad.attributes).toMatchObject({ description: 'Eng', displayName: 'Engineering' });
    expect(world.target.membersOf(dn)).toEqual([users[0].ad.dn, users[1].ad.dn].sort());
  });

  it('keepUnmanagedMembers keeps members added in AD but removes members removed in the cloud', async () => {
    const { users, g } = setup({ membership: { keepUnmanagedMembers: true } });
    await world.run();
    const dn = dnOf(g.id)!;
    world.target.tamperMembers(dn, [users[3].ad.dn]);
    world.source.removeMember(g.id, users[0].cloud.id);
    await world.run();
    expect(world.target.membersOf(dn)).toEqual([users[1].ad.dn, users[3].ad.dn].sort());
  });

  it('provisionOnPremisesUsers=false writes no user members', async () => {
    const { users, g } = setup({ membership: { provisionOnPremisesUsers: false } });
    await world.run();
    expect(world.target.membersOf(dnOf(g.id)!)).toEqual([]);
    const skips = await world.log({ action: 'skip', groupId: g.id });
    expect(skips.find((s) => s.sourceId === users[0].cloud.id)?.reason).toMatch(/provisionOnPremisesUsers/);
  });

  it('a lost state store costs one full cycle, never a duplicate', async () => {
    const { g, other } = setup();
    await world.run();
    const before = world.target.groups().map((x) => x.objectGuid).sort();
    rmSync(world.config.state.path, { recursive: true, force: true });
    const r = await world.run();
    expect(r.summary.mode).toBe('full');
    expect(r.summary.groups.created).toBe(0);
    expect(world.target.groups().map((x) => x.objectGuid).sort()).toEqual(before);
    expect(world.store().doc.groups[g.id].status).toBe('managed');
    expect(world.store().doc.groups[other.id].status).toBe('managed');
  });
});

describe('matching', () => {
  it('matches a SOA-converted group by SID, stamps the anchor and renames it; never by name', async () => {
    world = new World();
    const existing = world.target.addExistingGroup('Finance', 'OU=Legacy,DC=lab,DC=example,DC=com', { displayName: 'Finance' });
    const g = world.source.addGroup({ displayName: 'Finance', onPremisesSyncEnabled: false, onPremisesSecurityIdentifier: existing.objectSid });
    // A same-named group must never be matched by name:
    const lookalike = world.target.addExistingGroup(defaultCn('Lookalike', '00000000-0000-4000-8000-00000000beef'), OU);
    world.source.addGroup({ id: '00000000-0000-4000-8000-00000000beef', displayName: 'Lookalike' });
    const r = await world.run();
    expect(r.summary.errors).toBe(1); // the lookalike's create collides with the unanchored same-named object
    const matched = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(matched.objectGuid).toBe(existing.objectGuid);
    expect(matched.attributes.adminDescription).toBe(`Group_${g.id}`);
    expect(matched.dn).toBe(cnDn(defaultCn('Finance', g.id), OU));
    expect(world.target.group(lookalike.dn)!.anchor).toBeNull();
    expect((await world.log({ action: 'match' }))[0].reason).toMatch(/objectSid/);
  });

  it('two AD objects with one anchor are an error for that group only', async () => {
    world = new World();
    const g = world.source.addGroup({ displayName: 'Dup' });
    const ok = world.source.addGroup({ displayName: 'Fine' });
    world.target.addExistingGroup('a', OU, { 'msDS-ExternalDirectoryObjectId': `Group_${g.id}` });
    world.target.addExistingGroup('b', OU, { 'msDS-ExternalDirectoryObjectId': `Group_${g.id}` });
    const r = await world.run();
    expect(r.summary.errorSamples[0]).toMatchObject({ groupId: g.id, code: 'DuplicateTargetEntries' });
    expect(world.target.groupByAnchor(`Group_${ok.id}`)).toBeDefined();
    expect(world.target.groups().filter((x) => x.anchor === `Group_${g.id}`)).toHaveLength(2);
  });
});

describe('accidental-delete threshold', () => {
  it('holds deletes over the threshold, approval releases exactly that batch, the next run applies it', async () => {
    world = new World({ safety: { deleteThreshold: 5 } });
    const groups = Array.from({ length: 8 }, (_, i) => world.source.addGroup({ displayName: `G${i}` }));
    await world.run();
    for (const g of groups.slice(0, 6)) {
      world.source.softDelete(g.id);
      world.source.hardDelete(g.id);
    }
    const held = await world.run();
    expect(held.summary.status).toBe('held');
    expect(held.summary.held?.count).toBe(6);
    expect(world.target.groups()).toHaveLength(8);
    // A later run keeps them held, still applying nothing.
    const again = await world.run({ full: true });
    expect(again.summary.groups.held).toBe(6);
    expect(again.summary.held).toMatchObject({ batchId: held.summary.held!.batchId, new: false });
    expect(again.summary.status).toBe("held");
    expect(world.target.groups()).toHaveLength(8);

    const store = world.store();
    const batch = approveBatch(store.doc);
    store.save();
    expect(batch.id).toBe(held.summary.held!.batchId);
    const applied = await world.run();
    expect(applied.summary.approved).toEqual([{ batchId: batch.id, applied: 6, skipped: 0 }]);
    expect(world.target.groups().map((g) => g.anchor).sort()).toEqual(groups.slice(6).map((g) => `Group_${g.id}`).sort());
    expect(world.store().doc.held[0].status).toBe('applied');
  });

  it('an approved batch skips a group restored in the meantime', async () => {
    world = new World({ safety: { deleteThreshold: 1 } });
    const a = world.source.addGroup({ displayName: 'A' });
    const b = world.source.addGroup({ displayName: 'B' });
    await world.run();
    world.source.softDelete(a.id);
    world.source.softDelete(b.id);
    const held = await world.run();
    expect(held.summary.held?.count).toBe(2);
    world.source.restore(b.id);
    const store = world.store();
    approveBatch(store.doc);
    store.save();
    const r = await world.run();
    expect(r.summary.approved?.[0]).toMatchObject({ applied: 1, skipped: 1 });
  });
});
