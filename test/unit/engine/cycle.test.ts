import { afterEach, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { CancelledError } from '../../../src/core/errors';
import { cnDn } from '../../../src/directory/dn';
import { guidToImmutableId } from '../../../src/directory/guid';
import { badCredentials } from './fakes';
import { defaultCn, OU, World } from './harness';

let world: World;
afterEach(() => world?.dispose());

/** A tenant: synced users (in AD too), a cloud-only user, groups of every kind. */
function seed(w: World) {
  const adAlice = w.target.addUser('Alice');
  const adBob = w.target.addUser('Bob');
  const alice = w.source.addUser({ displayName: 'Alice', onPremisesSyncEnabled: true, onPremisesImmutableId: guidToImmutableId(adAlice.objectGuid) });
  const bob = w.source.addUser({ displayName: 'Bob', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: adBob.objectSid });
  const carol = w.source.addUser({ displayName: 'Carol (cloud only)' });
  const ghost = w.source.addUser({ displayName: 'Ghost', onPremisesSyncEnabled: true, onPremisesObjectIdentifier: '11111111-2222-3333-4444-555555555555' });
  const child = w.source.addGroup({ displayName: 'Child', members: [{ id: alice.id, kind: 'user' }] });
  const sales = w.source.addGroup({
    displayName: '  Sales, "EMEA" <#1>  ',
    description: '  Sales team ',
    members: [
      { id: alice.id, kind: 'user' },
      { id: bob.id, kind: 'user' },
      { id: carol.id, kind: 'user' },
      { id: ghost.id, kind: 'user' },
      { id: child.id, kind: 'group' },
      { id: 'dev-1', kind: 'device' },
    ],
  });
  const m365 = w.source.addGroup({ displayName: 'Team', groupTypes: ['Unified'], mailEnabled: true });
  const mail = w.source.addGroup({ displayName: 'Mail sec', mailEnabled: true });
  const synced = w.source.addGroup({ displayName: 'Synced', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: 'S-1-5-21-9-9-9-1' });
  sales.members.push({ id: synced.id, kind: 'group' }, { id: m365.id, kind: 'group' });
  return { adAlice, adBob, alice, bob, carol, ghost, child, sales, m365, mail, synced };
}

describe('initial full cycle', () => {
  it('creates exactly the eligible groups with the default attributes and resolvable members', async () => {
    world = new World();
    const t = seed(world);
    const { summary, error } = await world.run();
    expect(error).toBeUndefined();
    expect(summary.mode).toBe('full');
    expect(summary.fullReason).toBe('first run');
    expect(summary.status).toBe('success');

    const groups = world.target.groups();
    expect(groups.map((g) => g.anchor).sort()).toEqual([`Group_${t.child.id}`, `Group_${t.sales.id}`].sort());
    const sales = world.target.groupByAnchor(`Group_${t.sales.id}`)!;
    const cn = defaultCn('  Sales, "EMEA" <#1>  ', t.sales.id);
    expect(sales.dn).toBe(cnDn(cn, OU));
    expect(sales.attributes).toMatchObject({
      cn,
      displayName: '  Sales, "EMEA" <#1>  ',
      description: 'Sales team',
      adminDescription: `Group_${t.sales.id}`,
      'msDS-ExternalDirectoryObjectId': `Group_${t.sales.id}`,
      groupType: '-2147483640',
    });
    const child = world.target.groupByAnchor(`Group_${t.child.id}`)!;
    expect(world.target.membersOf(sales.dn)).toEqual([t.adAlice.dn, t.adBob.dn, child.dn].sort());
    expect(world.target.membersOf(child.dn)).toEqual([t.adAlice.dn]);
    expect(summary.groups).toMatchObject({ created: 2, inScope: 2, outOfScope: 3, failed: 0 });
    expect(summary.members).toMatchObject({ added: 4 });
  });

  it('logs a skip reason for every excluded group and member', async () => {
    world = new World();
    const t = seed(world);
    await world.run();
    const skips = await world.log({ action: 'skip' });
    const reason = (id: string, groupId?: string) => skips.find((s) => s.sourceId === id && (groupId === undefined || s.groupId === groupId))?.reason;
    expect(reason(t.m365.id)).toMatch(/Microsoft 365/);
    expect(reason(t.mail.id)).toMatch(/mail-enabled/);
    expect(reason(t.synced.id, undefined)).toMatch(/synced from AD/);
    expect(reason(t.carol.id, t.sales.id)).toMatch(/cloud-only user/);
    expect(reason(t.ghost.id, t.sales.id)).toMatch(/not found in AD/);
    expect(reason('dev-1', t.sales.id)).toMatch(/device/);
    expect(skips.find((s) => s.sourceId === t.synced.id && s.groupId === t.sales.id)?.reason).toMatch(/synced group/);
    expect(skips.find((s) => s.sourceId === t.m365.id && s.groupId === t.sales.id)?.reason).toMatch(/out-of-scope group/);
    const creates = await world.log({ action: 'create' });
    expect(creates).toHaveLength(2);
    expect(creates[0].modified?.find((m) => m.attribute === 'displayName')).toBeDefined();
  });

  it('writes nothing on the second cycle (delta) nor on a forced full cycle', async () => {
    world = new World();
    seed(world);
    await world.run();
    const before = world.target.totalWrites;
    const second = await world.run();
    expect(second.summary.mode).toBe('delta');
    expect(world.target.totalWrites).toBe(before);
    const third = await world.run({ full: true });
    expect(third.summary.mode).toBe('full');
    expect(third.summary.groups.unchanged).toBe(2);
    expect(world.target.totalWrites).toBe(before);
  });

  it('ends with ONE store write of the state and its run summary together (saveWithRun), nothing after it', async () => {
    world = new World();
    seed(world);
    for (const mode of ['full', 'delta'] as const) {
      const store = world.store();
      // The engine's calls only (the file store's saveWithRun calls its own save and appendRun).
      const calls: string[] = [];
      let depth = 0;
      for (const m of ['save', 'appendRun', 'saveWithRun'] as const) {
        const f = store[m].bind(store) as (x?: unknown) => void;
        (store as unknown as Record<string, unknown>)[m] = (x?: unknown) => {
          if (depth === 0) calls.push(m);
          depth++;
          try {
            f(x);
          } finally {
            depth--;
          }
        };
      }
      const r = await world.run({ store });
      expect(r.summary.mode).toBe(mode);
      expect(calls.at(-1)).toBe('saveWithRun');
      expect(calls.filter((c) => c === 'saveWithRun')).toHaveLength(1);
      // What it wrote: the state (the delta link) and the run, read back from a fresh open.
      const back = world.store();
      expect(back.doc.deltaLink).toBeTruthy();
      expect(back.readRuns<{ cycleId: string }>().at(-1)?.cycleId).toBe(r.summary.cycleId);
    }
  });

  it('dry run plans without writing AD, state or log', async () => {
    world = new World();
    const t = seed(world);
    const { actions, summary } = await world.run({ dryRun: true });
    expect(summary.dryRun).toBe(true);
    expect(world.target.totalWrites).toBe(0);
    expect(world.store().doc.deltaLink).toBeUndefined();
    expect(await world.log()).toHaveLength(0);
    expect(actions.filter((a) => a.kind === 'create')).toHaveLength(2);
    const adds = actions.find((a) => a.kind === 'memberAdd' && a.groupId === t.sales.id);
    expect(adds && 'memberDns' in adds ? adds.memberDns : []).toHaveLength(3);
  });
});

describe('failures', () => {
  it('one failing group does not stop the others and is retried next cycle', async () => {
    world = new World();
    const t = seed(world);
    world.target.failWrite = (op, dn) => (op === 'add' && dn.startsWith('CN=Child') ? new Error('boom') : undefined);
    const first = await world.run();
    expect(first.summary.status).toBe('partial');
    expect(first.summary.groups.failed).toBeGreaterThanOrEqual(1);
    expect(world.target.groupByAnchor(`Group_${t.sales.id}`)).toBeDefined();
    expect(world.target.groupByAnchor(`Group_${t.child.id}`)).toBeUndefined();
    expect(world.store().doc.failed[t.child.id]).toMatchObject({ attempts: 1 });
    world.target.failWrite = undefined;
    const second = await world.run();
    expect(second.summary.mode).toBe('delta');
    const child = world.target.groupByAnchor(`Group_${t.child.id}`)!;
    expect(child).toBeDefined();
    expect(world.target.membersOf(child.dn)).toEqual([t.adAlice.dn]);
    // The parent waited for the nested group: its reference is written once the child exists.
    expect(world.target.membersOf(world.target.groupByAnchor(`Group_${t.sales.id}`)!.dn)).toContain(child.dn);
    expect(world.store().doc.failed).toEqual({});
  });

  it('quarantines after repeated total failure and refuses nothing else silently', async () => {
    world = new World({ safety: { quarantineAfterFailures: 2 } });
    seed(world);
    world.target.failAll = badCredentials();
    const a = await world.run();
    expect(a.summary.status).toBe('failed');
    expect(world.store().doc.quarantine).toBeUndefined();
    const b = await world.run();
    expect(b.summary.quarantined?.reason).toMatch(/52e/);
    expect(world.store().doc.quarantine).toMatchObject({ failures: 2 });
  });
});

describe("the caller's signal", () => {
  /** Node's own bookkeeping of AbortSignal.any() on a source signal (nodejs/node#55351); 0 where it has none. */
  const dependants = (s: AbortSignal): number => {
    const k = Object.getOwnPropertySymbols(s).find((x) => x.description === 'kDependantSignals');
    return k ? (((s as unknown as Record<symbol, Set<unknown> | undefined>)[k])?.size ?? 0) : 0;
  };

  it('keeps nothing on a long-lived signal across cycles (watch mode) and still cancels the cycle', async () => {
    world = new World();
    const t = seed(world);
    const watcher = new AbortController();
    for (let i = 0; i < 3; i++) {
      if (i) world.source.addGroup({ displayName: `Later ${i}`, members: [{ id: t.alice.id, kind: 'user' }] });
      const r = await world.run({ signal: watcher.signal });
      expect(r.error).toBeUndefined();
    }
    expect(world.target.groups().filter((g) => g.attributes.displayName?.toString().startsWith('Later'))).toHaveLength(2);
    expect(getEventListeners(watcher.signal, 'abort')).toHaveLength(0);
    expect(dependants(watcher.signal)).toBe(0);

    watcher.abort(new CancelledError('stopped'));
    const cancelled = await world.run({ signal: watcher.signal });
    expect(cancelled.summary.status).toBe('cancelled');
  });
});
