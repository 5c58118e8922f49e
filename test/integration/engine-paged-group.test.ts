/**
 * Issue 13, "Must show" #2: a group larger than one `member;range` window and larger than one Graph page survives
 * a delta with adds and removes exactly. Windows and pages are forced small so a CI-sized group spans many:
 * `directory.memberRangeSize` 100 (AD side), emulator delta pages of 60 member entries (the full cycle's initial
 * round, and the delta round's members@delta chunks) and member lists of at most 70 per page, LDAP batches of 90.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, readAnchoredGroups, readMembers } from './engine-helpers';

const SIZE = 420;
const CHANGES = 150;

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
let groupId: string;
let users: { id: string; dn: string }[];

beforeAll(async () => {
  lab = await startLab({ users: SIZE + CHANGES });
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  const grp = lab.store!.addGroup({ displayName: 'Paged group', mailEnabled: false, securityEnabled: true, mailNickname: 'paged' });
  for (const u of users.slice(0, SIZE)) lab.store!.addMember(grp.id, u.id);
  // A few small groups around it, so the big one's chunks share pages with others.
  for (let i = 0; i < 5; i++) {
    const g = lab.store!.addGroup({ displayName: `Small ${i}`, mailEnabled: false, securityEnabled: true, mailNickname: `small${i}` });
    for (const u of users.slice(i * 3, i * 3 + 3)) lab.store!.addMember(g.id, u.id);
  }
  groupId = grp.id;
  lab.graph!.delta.settings.pageSize = 4;
  lab.graph!.delta.settings.memberChunk = 60;
  lab.graph!.faults.set({ maxPageSize: 70 });
  config = labConfig(lab, (c) => {
    c.directory.memberRangeSize = 100;
    c.membership.batchSize = 90;
  });
  client = await lab.dc.connect('admin');
}, 600_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

async function adMembers(): Promise<string[]> {
  const [g] = (await readAnchoredGroups(client, lab.dc.baseDn)).filter((x) => x.anchor === `Group_${groupId}`);
  // Read back independently, in windows smaller than the group too.
  return (await readMembers(client, g.dn, 100)).map(normalizeDn).sort();
}

describe('a group spanning many member;range windows and Graph pages', () => {
  it('is provisioned exactly from a delta round that splits its members over pages', async () => {
    lab.graph!.stats.reset();
    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary.mode).toBe('full');
    // Members came with the groups: no members request at all, and the round took ≥ SIZE/60 pages.
    const routes = lab.graph!.stats.snapshot().byRoute;
    expect(routes['GET /groups/{id}/members'] ?? 0).toBe(0);
    expect(routes['GET /groups/delta']).toBeGreaterThanOrEqual(Math.ceil(SIZE / 60));
    expect(r.summary.members.added).toBe(SIZE + 15);
    expect(await adMembers()).toEqual(users.slice(0, SIZE).map((u) => u.dn).sort());
  });

  it(`then ${CHANGES} adds + ${CHANGES} removes in one delta: AD membership exact`, async () => {
    for (const u of users.slice(0, CHANGES)) lab.store!.removeMember(groupId, u.id);
    for (const u of users.slice(SIZE, SIZE + CHANGES)) lab.store!.addMember(groupId, u.id);
    lab.graph!.stats.reset();
    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary.mode).toBe('delta');
    expect(r.summary.members).toMatchObject({ added: CHANGES, removed: CHANGES });
    expect(r.ldap.memberValuesAdded).toBe(CHANGES);
    expect(r.ldap.memberValuesRemoved).toBe(CHANGES);
    // Batched (90 a modify), never a replace.
    expect(r.ldap.modifies).toBe(Math.ceil(CHANGES / 90) * 2);
    // Applied as the delta carried them (engine/member-delta.ts): the changes came in members@delta chunks of 60
    // over several delta pages, and the group's members were neither listed from Graph nor read from AD.
    const routes = lab.graph!.stats.snapshot().byRoute;
    expect(routes['GET /groups/{id}/members'] ?? 0).toBe(0);
    expect(routes['GET /groups/delta']).toBeGreaterThanOrEqual(Math.ceil((2 * CHANGES) / 60));
    expect(await adMembers()).toEqual(users.slice(CHANGES, SIZE + CHANGES).map((u) => u.dn).sort());
  });

  it('a forced full cycle afterwards finds nothing to write', async () => {
    const again = await cycle(config, { full: true });
    expect(again.error).toBeUndefined();
    expect(again.summary.mode).toBe('full');
    expect(again.ldap.writes).toBe(0);
    expect(await adMembers()).toEqual(users.slice(CHANGES, SIZE + CHANGES).map((u) => u.dn).sort());
  });
});
