/**
 * Issue 3 "Must show" for the Graph emulator, through the REAL ClientSecretCredential + Graph client:
 * paging 1,200 groups, a delta round after Graph-API writes, 30% injected 429s, expired delta tokens.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, secretCredential } from '../lab/graph/client';
import { startGraphEmulator, type GraphEmulator } from '../lab/graph/emulator';
import { collectAll, foldDelta } from '../lab/graph/testing';
import { labPaths } from '../lab/lab-paths';

const GROUPS = 1200;
let em: GraphEmulator;
let client: Client;
let loadedGroupIds: string[];
let userIds: string[];

beforeAll(async () => {
  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir, deltaPageSize: 100, deltaMemberChunk: 40 });
  const users = Array.from({ length: 60 }, (_, i) => ({ displayName: `User ${i}`, userPrincipalName: `user${i}@contoso.com` }));
  const groups = Array.from({ length: GROUPS }, (_, i) => ({
    displayName: `Group ${String(i).padStart(4, '0')}`,
    mailNickname: `group${i}`,
    members: i < 10 ? [`user${i}@contoso.com`, `user${i + 1}@contoso.com`, `user${i + 2}@contoso.com`] : [],
  }));
  const loaded = em.store.loadTenant({ users, groups });
  loadedGroupIds = loaded.groups.map((g) => g.id);
  userIds = loaded.users.map((u) => u.id);
  client = graphClient(em, secretCredential(em));
});

afterAll(async () => {
  await em?.stop();
});

describe('listing through the real Graph client', () => {
  it('pages through 1,200 groups with $top=999 and gets exactly the loaded set', async () => {
    em.stats.reset();
    const { items } = await collectAll<{ id: string; displayName: string }>(client, '/groups?$select=id,displayName&$top=999');
    expect(items).toHaveLength(GROUPS);
    expect(new Set(items.map((g) => g.id))).toEqual(new Set(loadedGroupIds));
    // 999 + 201: two pages, the second reached through an absolute https nextLink.
    expect(em.stats.snapshot().byRoute['GET /groups']).toBe(2);
  });

  it('with 30% injected 429s still completes a full listing, after honouring Retry-After', async () => {
    em.faults.set({ throttlePercent: 30, retryAfterSeconds: 1, seed: 7, pathPattern: '^/groups$' });
    em.faults.resetCounters();
    try {
      const { items } = await collectAll<{ id: string }>(client, '/groups?$select=id&$top=200');
      expect(new Set(items.map((g) => g.id))).toEqual(new Set(loadedGroupIds));
      const c = em.faults.counters();
      expect(c.injected429).toBeGreaterThan(0);
      // Every 429 was retried by the SDK's RetryHandler (Retry-Attempt header) after waiting ≥ Retry-After.
      expect(c.retryAttempts).toBe(c.injected429);
      expect(c.retryAfterHonoured).toBe(c.injected429);
      expect(c.retryAfterViolated).toBe(0);
      expect(Math.min(...c.retryWaitsMs)).toBeGreaterThanOrEqual(950);
    } finally {
      em.faults.reset();
    }
  });
});

describe('delta through the real Graph client', () => {
  it('reports exactly the changes made through the Graph API since the last deltaLink', async () => {
    const initial = await collectAll(client, '/groups/delta?$select=displayName,description,members');
    expect(initial.deltaLink).toMatch(new RegExp(`^${em.baseUrl}/v1.0/groups/delta\\?\\$deltatoken=[A-Za-z0-9_-]+$`));
    expect(foldDelta(initial.items).size).toBe(GROUPS);

    const [renamed, withMembers, deleted] = [loadedGroupIds[0], loadedGroupIds[1], loadedGroupIds[2]];
    const created = await client.api('/groups').post({
      displayName: 'Created through Graph', mailEnabled: false, mailNickname: 'created-graph', securityEnabled: true,
      'members@odata.bind': [`https://graph.microsoft.com/v1.0/directoryObjects/${userIds[40]}`],
    });
    await client.api(`/groups/${renamed}`).patch({ displayName: 'Renamed group' });
    await client.api(`/groups/${withMembers}/members/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userIds[50]}` });
    // Group 1 holds users 1, 2, 3: remove user 2.
    await client.api(`/groups/${withMembers}/members/${userIds[2]}/$ref`).delete();
    await client.api(`/groups/${deleted}`).delete();

    const round = await collectAll(client, initial.deltaLink!);
    const changes = foldDelta(round.items);
    expect([...changes.keys()].sort()).toEqual([created.id, renamed, withMembers, deleted].sort());

    const c = changes.get(created.id)!;
    expect(c.displayName).toBe('Created through Graph');
    expect(c.members).toEqual([{ '@odata.type': '#microsoft.graph.user', id: userIds[40] }]);

    const r = changes.get(renamed)!;
    expect(r.displayName).toBe('Renamed group');
    expect(r.members).toEqual([]);

    const m = changes.get(withMembers)!;
    expect(m.members).toEqual(expect.arrayContaining([
      { '@odata.type': '#microsoft.graph.user', id: userIds[50] },
      { '@odata.type': '#microsoft.graph.user', id: userIds[2], '@removed': { reason: 'deleted' } },
    ]));
    expect(m.members).toHaveLength(2);

    expect(changes.get(deleted)).toEqual({ id: deleted, '@removed': { reason: 'changed' }, members: [] });

    // Next round: restore brings the group back with its members; nothing else changed.
    await client.api(`/directory/deletedItems/${deleted}/restore`).post({});
    const restoredRound = foldDelta((await collectAll(client, round.deltaLink!)).items);
    expect([...restoredRound.keys()]).toEqual([deleted]);
    expect(restoredRound.get(deleted)!.members.map((x) => x.id).sort())
      .toEqual([userIds[2], userIds[3], userIds[4]].sort());

    // Soft delete + permanent delete → @removed reason "deleted".
    const before = await collectAll(client, '/groups/delta?$deltatoken=latest');
    expect(before.items).toEqual([]);
    await client.api(`/groups/${deleted}`).delete();
    const deletedItems = await client.api('/directory/deletedItems/microsoft.graph.group').get();
    expect(deletedItems.value.map((g: { id: string }) => g.id)).toContain(deleted);
    await client.api(`/directory/deletedItems/${deleted}`).delete();
    const purged = foldDelta((await collectAll(client, before.deltaLink!)).items);
    expect(purged.get(deleted)).toEqual({ id: deleted, '@removed': { reason: 'deleted' }, members: [] });
    expect(purged.size).toBe(1);
  });

  it('splits a large membership across pages and the pages add up to the whole membership', async () => {
    const big = em.store.addGroup({ displayName: 'Big group' });
    for (const u of userIds) em.store.addMember(big.id, u);
    em.stats.reset();
    const round = await collectAll(client, `/groups/delta?$filter=id eq '${big.id}'`);
    const appearances = round.items.filter((i) => i.id === big.id);
    expect(appearances.length).toBe(2); // 60 members, 40 per page
    expect(appearances.every((a) => a.displayName === 'Big group')).toBe(true);
    expect(foldDelta(round.items).get(big.id)!.members.map((x) => x.id).sort()).toEqual([...userIds].sort());
    expect(em.stats.snapshot().byRoute['GET /groups/delta']).toBe(2);
  });

  it('answers an expired delta token with 410 syncStateNotFound, a reset with 410 resyncRequired + Location, garbage with 400', async () => {
    const latest = await collectAll(client, '/groups/delta?$select=displayName&$deltatoken=latest');
    em.faults.expireDeltaTokens();
    await expect(client.api(latest.deltaLink!).get()).rejects.toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });

    const fresh = await collectAll(client, '/groups/delta?$select=displayName&$deltatoken=latest');
    em.faults.resetDeltaTokens();
    const err = await client.api(fresh.deltaLink!).get().catch((e) => e);
    expect(err).toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    const location = err.headers.get('Location') as string;
    expect(location).toBe(`${em.baseUrl}/v1.0/groups/delta?$select=displayName&$deltatoken=`);
    // The Location starts a full round again.
    const restarted = await collectAll(client, location);
    expect(restarted.items.length).toBe(em.store.counts().groups);

    // Age-based expiry (Graph: 7 days; configurable).
    const aged = await collectAll(client, '/groups/delta?$deltatoken=latest');
    em.faults.set({ deltaTokenMaxAgeSeconds: 0.001 });
    await new Promise((r) => setTimeout(r, 20));
    try {
      await expect(client.api(aged.deltaLink!).get()).rejects.toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    } finally {
      em.faults.reset();
    }

    await expect(client.api('/groups/delta?$deltatoken=not-a-token').get()).rejects.toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
  });
});
