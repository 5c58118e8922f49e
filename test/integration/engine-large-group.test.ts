/**
 * Issue 4, "Must show" #3: a 5,000-member group, then 1,000 adds + 1,000 removes in Entra: AD membership exact
 * (read back over LDAP with explicit member;range windows), written as batched adds/removes, never a replace.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, readAnchoredGroups, readMembers } from './engine-helpers';

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
let groupId: string;
let users: { id: string; dn: string }[];

beforeAll(async () => {
  lab = await startLab({ users: 6000 });
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  const grp = lab.store!.addGroup({ displayName: 'Large group', mailEnabled: false, securityEnabled: true, mailNickname: 'large' });
  for (const u of users.slice(0, 5000)) lab.store!.addMember(grp.id, u.id);
  groupId = grp.id;
  config = labConfig(lab);
  client = await lab.dc.connect('admin');
}, 600_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

async function adMembers(): Promise<string[]> {
  const [g] = (await readAnchoredGroups(client, lab.dc.baseDn)).filter((x) => x.anchor === `Group_${groupId}`);
  return (await readMembers(client, g.dn)).map(normalizeDn).sort();
}

describe('a 5,000-member group', () => {
  it('is written with all 5,000 members in batches of ≈1,000', async () => {
    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary.members.added).toBe(5000);
    expect(r.ldap.memberValuesAdded).toBe(5000);
    // One add carrying the first 1,000 members inline, then 4 modifies of 1,000.
    expect(r.ldap.adds).toBe(1);
    expect(r.ldap.modifies).toBe(4);
    expect(await adMembers()).toEqual(users.slice(0, 5000).map((u) => u.dn).sort());
  });

  it('then 1,000 adds + 1,000 removes: AD membership exact', async () => {
    for (const u of users.slice(0, 1000)) lab.store!.removeMember(groupId, u.id);
    for (const u of users.slice(5000, 6000)) lab.store!.addMember(groupId, u.id);
    const r = await cycle(config);
    expect(r.error).toBeUndefined();
    expect(r.summary.mode).toBe('delta');
    expect(r.summary.members).toMatchObject({ added: 1000, removed: 1000 });
    expect(r.ldap.memberValuesAdded).toBe(1000);
    expect(r.ldap.memberValuesRemoved).toBe(1000);
    expect(await adMembers()).toEqual(users.slice(1000, 6000).map((u) => u.dn).sort());
    const again = await cycle(config, { full: true });
    expect(again.ldap.writes).toBe(0);
  });
});
