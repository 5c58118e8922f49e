import { afterEach, describe, expect, it } from 'vitest';
import { EventSink } from '../../../src/core/events';
import { createMapper } from '../../../src/engine/mapper';
import { provisionOnDemand, type OnDemandStep } from '../../../src/engine/on-demand';
import { World } from './harness';

let world: World;
afterEach(() => world?.dispose());

async function onDemand(groupId: string, memberIds?: string[], dryRun = false): Promise<OnDemandStep[]> {
  return provisionOnDemand({ config: world.config, source: world.source, target: world.target, mapper: createMapper(world.config), store: world.store(), sink: new EventSink(), groupId, ...(memberIds ? { memberIds } : {}), dryRun });
}
const summary = (steps: OnDemandStep[]) => steps.map((s) => `${s.step}:${s.status}${s.memberId ? `:${s.memberId.slice(0, 4)}` : ''}`);

describe('on-demand provisioning', () => {
  it('reports Import → Scope → Match → Map → Action and creates the group without members', async () => {
    world = new World();
    const ad = world.target.addUser('Alice');
    const alice = world.source.addUser({ id: 'aaaa0000-0000-4000-8000-000000000001', onPremisesSyncEnabled: true, onPremisesObjectIdentifier: ad.objectGuid });
    const g = world.source.addGroup({ displayName: 'Now', members: [{ id: alice.id, kind: 'user' }] });
    const steps = await onDemand(g.id);
    expect(summary(steps)).toEqual(['Import:Success', 'Scope:Success', 'Match:Success', 'Map:Success', 'Action:Success']);
    expect(steps[2].description).toMatch(/will be created/);
    const created = world.target.groupByAnchor(`Group_${g.id}`)!;
    expect(world.target.membersOf(created.dn)).toEqual([]);
    expect(world.store().doc.groups[g.id].status).toBe('managed');

    const again = await onDemand(g.id, [alice.id, 'bbbb0000-0000-4000-8000-000000000002']);
    expect(summary(again)).toEqual(['Import:Success', 'Scope:Success', 'Match:Success', 'Map:Success', 'Action:Skipped', 'Member:Success:aaaa', 'Member:Skipped:bbbb']);
    expect(world.target.membersOf(created.dn)).toEqual([ad.dn]);
  });

  it('removes a named member that is no longer in the cloud group', async () => {
    world = new World();
    const ad = world.target.addUser('Bob');
    const bob = world.source.addUser({ onPremisesSyncEnabled: true, onPremisesObjectIdentifier: ad.objectGuid });
    const g = world.source.addGroup({ displayName: 'G', members: [{ id: bob.id, kind: 'user' }] });
    await world.run();
    world.source.removeMember(g.id, bob.id);
    const steps = await onDemand(g.id, [bob.id]);
    expect(steps.at(-1)).toMatchObject({ step: 'Member', status: 'Success', details: { action: 'Remove' } });
    expect(world.target.membersOf(world.target.groupByAnchor(`Group_${g.id}`)!.dn)).toEqual([]);
  });

  it('stops at Scope for an out-of-scope group and at Import for a soft-deleted one; --what-if writes nothing', async () => {
    world = new World();
    const m365 = world.source.addGroup({ displayName: 'Team', groupTypes: ['Unified'], mailEnabled: true });
    const s = await onDemand(m365.id);
    expect(summary(s)).toEqual(['Import:Success', 'Scope:Skipped']);
    expect(s[1].description).toMatch(/Microsoft 365/);
    const gone = world.source.addGroup({ displayName: 'Gone' });
    world.source.softDelete(gone.id);
    const d = await onDemand(gone.id);
    expect(d[0]).toMatchObject({ step: 'Import', status: 'Failed', description: expect.stringMatching(/soft-deleted/) });
    const g = world.source.addGroup({ displayName: 'Plan only' });
    const w = await onDemand(g.id, undefined, true);
    expect(w.at(-1)).toMatchObject({ step: 'Action', status: 'Success', details: { action: 'Create' } });
    expect(world.target.totalWrites).toBe(0);
  });

  it('takes at most 5 members', async () => {
    world = new World();
    const g = world.source.addGroup();
    await expect(onDemand(g.id, ['1', '2', '3', '4', '5', '6'])).rejects.toThrow(/at most 5/);
  });
});
