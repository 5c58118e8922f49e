/**
 * GraphSource through the REAL credential (@azure/identity) and the REAL Graph client against the lab's Graph
 * emulator. Run with the lab CA trusted from process start:
 *   node build/vitest.mjs run test/integration/graph-source     (sets NODE_EXTRA_CA_CERTS=.lab/pki/ca.pem)
 * Request counts are measured from the client's counters and printed for the benchmark notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../src/graph/client';
import type { GraphClientHandle } from '../../src/graph/client';
import { AuthError, DeltaExpiredError, PermissionError } from '../../src/graph/errors';
import type { GraphSource } from '../../src/graph/graph-source';
import { createGraphSource } from '../../src/graph/index';
import type { GraphConnection } from '../../src/graph/options';
import type { CloudGroup, GroupChange, MemberRef, UserChange } from '../../src/model/cloud';
import { startGraphEmulator } from '../lab/graph/emulator';
import type { GraphEmulator } from '../lab/graph/emulator';
import { labPaths } from '../lab/lab-paths';

const GROUPS = 1200;
const USERS = 5000;
const BIG_USERS = 2500;
const EXT = 'extension_0123456789abcdef0123456789abcdef_WritebackEnabled';

let em: GraphEmulator;
let conn: GraphConnection;
let source: GraphSource;
let writer: GraphClientHandle;
let groupIds: string[];
let userIds: string[];
let bigGroupId: string;
let nestedIds: string[];
const measured: Record<string, number> = {};

async function requestsFor<T>(name: string, fn: () => Promise<T>): Promise<T> {
  source.http.resetCounts();
  const out = await fn();
  measured[name] = source.counts().requests;
  return out;
}

async function allGroups(src: GraphSource = source): Promise<CloudGroup[]> {
  const out: CloudGroup[] = [];
  for await (const page of src.listGroups()) out.push(...page);
  return out;
}

async function deltaChanges(link: string | undefined, src: GraphSource = source): Promise<{ link: string; pages: GroupChange[][] }> {
  const pages: GroupChange[][] = [];
  const next = await src.delta(link, async (page) => {
    pages.push(page.changes);
  });
  return { link: next, pages };
}

beforeAll(async () => {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Start vitest with NODE_EXTRA_CA_CERTS=$PWD/.lab/pki/ca.pem (node build/vitest.mjs does it).');
  }
  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir, deltaPageSize: 100, deltaMemberChunk: 400 });
  userIds = [];
  for (let i = 0; i < USERS; i++) {
    const synced = i % 2 === 0;
    userIds.push(
      em.store.addUser({
        displayName: `User ${i}`,
        userPrincipalName: `user${i}@contoso.com`,
        ...(synced
          ? {
              onPremisesSyncEnabled: true,
              onPremisesSecurityIdentifier: `S-1-5-21-1-2-3-${1000 + i}`,
              onPremisesImmutableId: Buffer.from(`guid-${i}`.padEnd(16, '.')).toString('base64'),
              onPremisesSamAccountName: `user${i}`,
              onPremisesDomainName: 'lab.example.com',
              onPremisesDistinguishedName: `CN=User ${i},OU=Staff,DC=lab,DC=example,DC=com`,
              onPremisesUserPrincipalName: `user${i}@lab.example.com`,
            }
          : {}),
      }).id,
    );
  }
  groupIds = [];
  for (let i = 0; i < GROUPS; i++) {
    groupIds.push(
      em.store.addGroup({
        displayName: `Group ${String(i).padStart(4, '0')}`,
        securityEnabled: true,
        mailEnabled: false,
        ...(i % 3 === 0 ? { [EXT]: true } : {}),
      }).id,
    );
  }
  bigGroupId = groupIds[0];
  for (const id of userIds.slice(0, BIG_USERS)) em.store.addMember(bigGroupId, id);
  nestedIds = groupIds.slice(1, 4);
  for (const id of nestedIds) em.store.addMember(bigGroupId, id);

  conn = {
    tenantId: em.tenantId,
    clientId: em.clientId,
    authorityHost: em.authorityHost,
    graphBaseUrl: em.baseUrl,
    auth: { type: 'clientSecret', clientSecret: em.clientSecret },
  };
  source = createGraphSource(conn, { extraGroupProperties: [EXT], maxRetries: 6 });
  writer = createGraphClient(conn);
});

afterAll(async () => {
  await source?.close();
  writer?.close();
  await em?.stop();
  console.log('Graph requests measured:', JSON.stringify(measured));
});

describe('reading through the real credential + client', () => {
  it(`lists all ${GROUPS} groups in 2 requests ($top=999), with the selected and extra properties`, async () => {
    const groups = await requestsFor('listGroups(1200)', () => allGroups());
    expect(groups).toHaveLength(GROUPS);
    expect(new Set(groups.map((g) => g.id))).toEqual(new Set(groupIds));
    expect(measured['listGroups(1200)']).toBe(2);
    const g3 = groups.find((g) => g.id === groupIds[3])!;
    expect(g3).toMatchObject({ displayName: 'Group 0003', securityEnabled: true, mailEnabled: false, groupTypes: [], onPremisesSyncEnabled: null });
    expect(g3.securityIdentifier).toMatch(/^S-1-12-1-/);
    expect(g3.extra).toEqual({ [EXT]: true });
    expect(groups.find((g) => g.id === groupIds[4])!.extra).toEqual({ [EXT]: null });
  });

  it('gets one group; an unknown id is null', async () => {
    expect((await source.getGroup(groupIds[7]))?.displayName).toBe('Group 0007');
    expect(await source.getGroup('00000000-0000-4000-8000-00000000dead')).toBeNull();
  });

  it(`streams the ${BIG_USERS + 3} direct members of a large group with their kinds`, async () => {
    const members: MemberRef[] = [];
    const pageSizes: number[] = [];
    await requestsFor('listMembers(2503)', async () => {
      for await (const page of source.listMembers(bigGroupId)) {
        pageSizes.push(page.length);
        members.push(...page);
      }
    });
    expect(members).toHaveLength(BIG_USERS + 3);
    expect(new Set(members.filter((m) => m.kind === 'user').map((m) => m.id))).toEqual(new Set(userIds.slice(0, BIG_USERS)));
    expect(new Set(members.filter((m) => m.kind === 'group').map((m) => m.id))).toEqual(new Set(nestedIds));
    expect(pageSizes).toEqual([999, 999, 505]);
    expect(measured['listMembers(2503)']).toBe(3);
  });

  it(`resolves ${USERS} users in bulk with getByIds (≤1,000 per call) and their on-premises properties`, async () => {
    const users = await requestsFor('getUsers(5000)', () => source.getUsers(userIds));
    expect(measured['getUsers(5000)']).toBe(5);
    expect(users).toHaveLength(USERS);
    const u10 = users.find((u) => u.id === userIds[10])!;
    expect(u10).toMatchObject({
      userPrincipalName: 'user10@contoso.com',
      onPremisesSyncEnabled: true,
      onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1010',
      onPremisesImmutableId: Buffer.from('guid-10'.padEnd(16, '.')).toString('base64'),
      onPremisesSamAccountName: 'user10',
      onPremisesDistinguishedName: 'CN=User 10,OU=Staff,DC=lab,DC=example,DC=com',
      onPremisesDomainName: 'lab.example.com',
      onPremisesUserPrincipalName: 'user10@lab.example.com',
    });
    expect(users.find((u) => u.id === userIds[11])).toMatchObject({ onPremisesSyncEnabled: null, onPremisesImmutableId: null });
  });

  it('omits unknown ids and objects of the other type', async () => {
    const unknown = '00000000-0000-4000-8000-0000000000aa';
    const users = await source.getUsers([userIds[0], unknown, groupIds[0], userIds[0]]);
    expect(users.map((u) => u.id)).toEqual([userIds[0]]);
    const groups = await source.getGroups([groupIds[5], unknown, userIds[1]]);
    expect(groups.map((g) => g.id)).toEqual([groupIds[5]]);
    expect(groups[0].extra).toEqual({ [EXT]: null });
  });
});

describe('delta rounds after writes through Graph', () => {
  let link: string;
  const soft = () => groupIds[20];
  const purge = () => groupIds[21];
  const restore = () => groupIds[22];
  const renamed = () => groupIds[23];
  const edited = () => groupIds[24];

  it('an initial round returns every group, the large membership split over pages and merged back', async () => {
    // State before the round: one group soft-deleted (restored later), one soft-deleted (purged later).
    await writer.client.api(`/groups/${restore()}`).delete();
    await writer.client.api(`/groups/${purge()}`).delete();
    em.store.addMember(edited(), userIds[4000]);

    const { link: l, pages } = await requestsFor('delta initial (1198 groups, 2503+1 links)', () => deltaChanges(undefined));
    link = l;
    expect(link).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/groups\/delta\?/);
    const changes = pages.flat();
    const upserts = changes.filter((c): c is Extract<GroupChange, { kind: 'upsert' }> => c.kind === 'upsert');
    expect(new Set(upserts.map((c) => c.group.id))).toEqual(new Set(groupIds.filter((id) => id !== restore() && id !== purge())));
    const big = upserts.filter((c) => c.group.id === bigGroupId);
    expect(big.length).toBeGreaterThan(1); // Graph split the members over several pages
    expect(big.flatMap((c) => c.memberAdds)).toHaveLength(BIG_USERS + 3);
    expect(big.find((c) => 'displayName' in c.group)!.group.displayName).toBe('Group 0000');
    expect(upserts.filter((c) => c.group.id === edited()).flatMap((c) => c.memberAdds)).toEqual([{ id: userIds[4000], kind: 'user' }]);
    // Soft-deleted before the first round: simply absent.
    expect(changes.some((c) => c.kind !== 'upsert')).toBe(false);
  });

  it('the next round reports exactly the changes made: create, rename, member add/remove, soft delete, purge, restore', async () => {
    const created = (await writer.client.api('/groups').post({
      displayName: 'Created by test', mailEnabled: false, mailNickname: 'createdbytest', securityEnabled: true, description: 'new',
    })) as { id: string };
    await writer.client.api(`/groups/${created.id}/members/$ref`).post({ '@odata.id': `${em.baseUrl}/v1.0/directoryObjects/${userIds[1]}` });
    await writer.client.api(`/groups/${renamed()}`).patch({ displayName: 'Renamed group', description: 'now described' });
    await writer.client.api(`/groups/${edited()}/members/$ref`).post({ '@odata.id': `${em.baseUrl}/v1.0/directoryObjects/${userIds[4001]}` });
    await writer.client.api(`/groups/${edited()}/members/${userIds[4000]}/$ref`).delete();
    await writer.client.api(`/groups/${soft()}`).delete();
    await writer.client.api(`/directory/deletedItems/${purge()}`).delete();
    await writer.client.api(`/directory/deletedItems/${restore()}/restore`).post({});

    const { link: next, pages } = await requestsFor('delta after 8 writes', () => deltaChanges(link));
    expect(next).not.toBe(link);
    const byId = new Map<string, GroupChange[]>();
    for (const c of pages.flat()) {
      const id = c.kind === 'upsert' ? c.group.id : c.id;
      byId.set(id, [...(byId.get(id) ?? []), c]);
    }
    expect(new Set(byId.keys())).toEqual(new Set([created.id, renamed(), edited(), soft(), purge(), restore()]));
    const one = (id: string) => {
      expect(byId.get(id)).toHaveLength(1);
      return byId.get(id)![0];
    };
    expect(one(created.id)).toMatchObject({
      kind: 'upsert', group: { displayName: 'Created by test', description: 'new', securityEnabled: true, mailEnabled: false },
      memberAdds: [{ id: userIds[1], kind: 'user' }], memberRemoves: [],
    });
    expect(one(renamed())).toMatchObject({ kind: 'upsert', group: { displayName: 'Renamed group', description: 'now described' } });
    expect(one(edited())).toMatchObject({
      kind: 'upsert', memberAdds: [{ id: userIds[4001], kind: 'user' }], memberRemoves: [{ id: userIds[4000], kind: 'user' }],
    });
    expect(one(soft())).toEqual({ kind: 'softDeleted', id: soft() });
    expect(one(purge())).toEqual({ kind: 'deleted', id: purge() });
    expect(one(restore())).toMatchObject({ kind: 'upsert', group: { id: restore(), displayName: 'Group 0022' } });
    link = next;

    const deletedIds = await source.listDeletedGroupIds();
    expect(deletedIds.has(soft())).toBe(true);
    expect(deletedIds.has(purge())).toBe(false);
    expect(deletedIds.has(restore())).toBe(false);
    expect(await source.getGroup(soft())).toBeNull();
  });

  it('a round without changes returns no change and a fresh link', async () => {
    const { pages } = await deltaChanges(link);
    expect(pages.flat()).toEqual([]);
  });

  it('latestDeltaLink skips history: only later changes are reported', async () => {
    const latest = await requestsFor('latestDeltaLink', () => source.latestDeltaLink());
    expect(measured.latestDeltaLink).toBe(1);
    await writer.client.api(`/groups/${groupIds[30]}`).patch({ description: 'after latest' });
    const { pages } = await deltaChanges(latest);
    expect(pages.flat()).toMatchObject([{ kind: 'upsert', group: { id: groupIds[30], description: 'after latest' } }]);
  });

  it('an expired delta token → DeltaExpiredError (410 syncStateNotFound), and so does a reset (resyncRequired)', async () => {
    const { link: fresh } = await deltaChanges(link);
    em.faults.expireDeltaTokens();
    await expect(source.delta(fresh, async () => {})).rejects.toBeInstanceOf(DeltaExpiredError);
    const { link: again } = await deltaChanges(await source.latestDeltaLink());
    em.faults.resetDeltaTokens();
    const err = await source.delta(again, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaExpiredError);
    expect((err as DeltaExpiredError).statusCode).toBe(410);
  });
});

describe('users delta', () => {
  it('an initial round lists every user with the on-premises properties; the next reports an edit', async () => {
    const changes: UserChange[] = [];
    const link = await source.usersDelta!(undefined, async (p) => {
      changes.push(...p.changes);
    });
    const ups = changes.filter((c): c is Extract<UserChange, { kind: 'upsert' }> => c.kind === 'upsert');
    expect(new Set(ups.map((c) => c.user.id))).toEqual(new Set(userIds));
    expect(ups.find((c) => c.user.id === userIds[2])!.user).toMatchObject({ onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1002', onPremisesSyncEnabled: true });
    await writer.client.api(`/users/${userIds[3]}`).patch({ displayName: 'User three' });
    const later: UserChange[] = [];
    await source.usersDelta!(link, async (p) => {
      later.push(...p.changes);
    });
    expect(later).toMatchObject([{ kind: 'upsert', user: { id: userIds[3], displayName: 'User three' } }]);
  });
});

describe('throttling and errors', () => {
  it('with 30% injected 429s a full listing completes; every 429 retried after its Retry-After', async () => {
    em.faults.set({ throttlePercent: 30, retryAfterSeconds: 1, seed: 4, pathPattern: '^/groups$' });
    em.faults.resetCounters();
    const paged = createGraphSource(conn, { pageSize: 100, maxRetries: 6 });
    try {
      const groups = await allGroups(paged);
      // 1,200 − one soft-deleted − one purged + one created above.
      expect(groups).toHaveLength(GROUPS - 1);
      expect(new Set(groups.map((g) => g.id))).toEqual(new Set(em.store.listGroups().map((g) => g.id)));
      const c = paged.counts();
      const f = em.faults.counters();
      expect(f.injected429).toBeGreaterThanOrEqual(2); // seed 4: several, some back to back
      expect(c.throttled).toBe(f.injected429);
      expect(c.retries).toBe(f.injected429);
      expect(f.retryAfterHonoured).toBe(f.injected429);
      expect(f.retryAfterViolated).toBe(0);
      measured['listGroups(1199, $top=100) with 30% 429'] = c.requests;
      measured['  of which 429 retried'] = c.retries;
    } finally {
      em.faults.reset();
      await paged.close();
    }
  });

  it('a bad client secret → AuthError with the fix', async () => {
    const bad = createGraphSource({ ...conn, auth: { type: 'clientSecret', clientSecret: 'wrong-secret' } });
    const err = await bad.getGroup(groupIds[0]).catch((e: unknown) => e);
    await bad.close();
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).category).toBe('AuthenticationError');
    expect((err as AuthError).message).toMatch(
      new RegExp(`^client secret rejected for app ${em.clientId} in tenant ${em.tenantId}: create a new secret`),
    );
  });

  it('an app without read permissions → PermissionError naming the permissions', async () => {
    const app = em.registerApp({ displayName: 'no rights', roles: [] });
    const weak = createGraphSource({ ...conn, clientId: app.clientId, auth: { type: 'clientSecret', clientSecret: app.clientSecret! } });
    const err = await allGroups(weak).catch((e: unknown) => e);
    await weak.close();
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as PermissionError).hint).toBe('grant Group.Read.All and User.Read.All (or Directory.Read.All) application permissions and admin consent');
  });
});
