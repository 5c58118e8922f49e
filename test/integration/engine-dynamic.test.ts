/**
 * Issue 14 part 1: dynamic security groups with members. The lab's tenant gives dynamic groups their evaluated
 * (or, Paused, frozen) members; the emulator re-evaluates membershipRule when a user changes through the Graph API
 * (PATCH /users/{id}); delta cycles carry those membership changes into AD; a Paused rule freezes the group until
 * it is turned On again. Every assertion about AD reads it back over LDAP.
 */
import type { Client as GraphClient } from '@microsoft/microsoft-graph-client';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types';
import { normalizeDn } from '../../src/directory/dn';
import { graphClient, secretCredential } from '../lab/graph/client';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, readAnchoredGroups, readMembers } from './engine-helpers';

const DYN = { mailEnabled: false, securityEnabled: true, groupTypes: ['DynamicMembership'] };

let lab: Lab;
let config: ResolvedConfig;
let ldap: Client;
let graph: GraphClient;
const userDn: Record<string, string> = {};
const userId: Record<string, string> = {};
const groupId: Record<string, string> = {};

/** AD members of the group provisioned for cloud group `key`, as user names (ann, bob…). */
async function adMembers(key: string): Promise<string[]> {
  const groups = await readAnchoredGroups(ldap, lab.dc.baseDn);
  const g = groups.find((x) => x.anchor === `Group_${groupId[key]}`);
  expect(g, `AD group for ${key}`).toBeDefined();
  const byDn = new Map(Object.entries(userDn).map(([name, dn]) => [normalizeDn(dn), name]));
  return (await readMembers(ldap, g!.dn)).map((dn) => byDn.get(normalizeDn(dn)) ?? dn).sort();
}

async function deltaCycle(): Promise<void> {
  const r = await cycle(config);
  expect(r.error).toBeUndefined();
  expect(r.summary).toMatchObject({ mode: 'delta', status: 'success', errors: 0 });
}

beforeAll(async () => {
  lab = await startLab({
    tenant: {
      users: [
        { synced: true, userPrincipalName: 'ann@lab.example.com', displayName: 'Ann Dyn', department: 'Sales', jobTitle: 'Account Executive' },
        { synced: true, userPrincipalName: 'bob@lab.example.com', displayName: 'Bob Dyn', department: 'HR' },
        { synced: true, userPrincipalName: 'cara@lab.example.com', displayName: 'Cara Dyn', department: 'Sales', jobTitle: 'Sales Intern' },
      ],
      groups: [
        // Evaluated members listed as the service would have them (checked against the rule at load).
        { ...DYN, displayName: 'Dyn Sales', mailNickname: 'dyn-sales',
          membershipRule: 'user.department -eq "Sales" -and -not (user.jobTitle -contains "intern")', members: ['ann@lab.example.com'] },
        // Paused: a frozen membership that does not follow the rule any more.
        { ...DYN, displayName: 'Dyn HR (paused)', mailNickname: 'dyn-hr', membershipRule: 'user.department -in ["HR", "People"]',
          membershipRuleProcessingState: 'Paused', members: ['cara@lab.example.com'] },
      ],
    },
  });
  const { adUsers, loaded } = lab.seeded.tenant!;
  for (const u of adUsers) userDn[u.userPrincipalName.split('@')[0]] = u.dn;
  for (const u of loaded.users) userId[u.userPrincipalName.split('@')[0]] = u.id;
  groupId.sales = loaded.groups[0].id;
  groupId.hr = loaded.groups[1].id;
  config = labConfig(lab);
  ldap = await lab.dc.connect('admin');
  graph = graphClient(lab.graph!, secretCredential(lab.graph!));
  const first = await cycle(config);
  expect(first.error).toBeUndefined();
  expect(first.summary.groups.created).toBe(2);
}, 300_000);

afterAll(async () => {
  await ldap?.unbind().catch(() => {});
  await lab?.stop();
});

describe('dynamic groups', () => {
  it('provisions a dynamic group with its evaluated members, and a paused one with its frozen members', async () => {
    expect(await adMembers('sales')).toEqual(['ann']);
    expect(await adMembers('hr')).toEqual(['cara']);
  });

  it('a user property change through the Graph API moves a user in and out over delta cycles', async () => {
    await graph.api(`/users/${userId.bob}`).patch({ department: 'Sales' });
    await deltaCycle();
    expect(await adMembers('sales')).toEqual(['ann', 'bob']);

    await graph.api(`/users/${userId.ann}`).patch({ department: 'Marketing' });
    await graph.api(`/users/${userId.cara}`).patch({ jobTitle: 'Account Executive' });
    await deltaCycle();
    expect(await adMembers('sales')).toEqual(['bob', 'cara']);

    await graph.api(`/users/${userId.bob}`).patch({ jobTitle: 'Intern' });
    await deltaCycle();
    expect(await adMembers('sales')).toEqual(['cara']);
  });

  it('a paused rule freezes the group; turning it On again applies the rule', async () => {
    // ann → HR (matches the paused rule), cara stays in Sales (does not): nothing moves while Paused.
    await graph.api(`/users/${userId.ann}`).patch({ department: 'HR' });
    await deltaCycle();
    expect(await adMembers('hr')).toEqual(['cara']);
    expect((await graph.api(`/groups/${groupId.hr}`).select('membershipRuleProcessingState').get()).membershipRuleProcessingState).toBe('Paused');

    await graph.api(`/groups/${groupId.hr}`).patch({ membershipRuleProcessingState: 'On' });
    await deltaCycle();
    expect(await adMembers('hr')).toEqual(['ann']);

    // A rule change re-evaluates too.
    await graph.api(`/groups/${groupId.hr}`).patch({ membershipRule: 'user.department -in ["HR", "Marketing", "Sales"]' });
    await deltaCycle();
    expect(await adMembers('hr')).toEqual(['ann', 'bob', 'cara']);
  });

  it('an assigned group converted to dynamic gets the rule\'s members in AD; converted back it keeps them', async () => {
    const assigned = await graph.api('/groups').post({ displayName: 'Assigned then dynamic', mailEnabled: false, securityEnabled: true,
      mailNickname: 'assigned-dyn', 'members@odata.bind': [`https://graph.microsoft.com/v1.0/directoryObjects/${userId.ann}`] });
    groupId.converted = assigned.id;
    await deltaCycle();
    expect(await adMembers('converted')).toEqual(['ann']);

    await graph.api(`/groups/${assigned.id}`).patch({ groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"',
      membershipRuleProcessingState: 'On' });
    await deltaCycle();
    expect(await adMembers('converted')).toEqual(['bob', 'cara']); // ann (assigned, now Marketing/HR) is gone

    await graph.api(`/groups/${assigned.id}`).patch({ groupTypes: [], membershipRuleProcessingState: 'Paused' });
    await graph.api(`/users/${userId.cara}`).patch({ department: 'Finance' });
    await deltaCycle();
    expect(await adMembers('converted')).toEqual(['bob', 'cara']);
  });
});
