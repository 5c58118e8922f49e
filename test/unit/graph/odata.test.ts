import { describe, expect, it } from 'vitest';
import { memberKind, toCloudGroup, toCloudUser, toGroupPatch } from '../../../src/graph/odata';

describe('memberKind', () => {
  it.each([
    ['#microsoft.graph.user', 'user'],
    ['#microsoft.graph.group', 'group'],
    ['#microsoft.graph.device', 'device'],
    ['#microsoft.graph.orgContact', 'orgContact'],
    ['#microsoft.graph.servicePrincipal', 'servicePrincipal'],
    ['#microsoft.graph.application', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (t, kind) => expect(memberKind(t)).toBe(kind));
});

describe('toCloudGroup', () => {
  it('maps every property, nulls for absent ones and unset extension attributes', () => {
    const g = toCloudGroup(
      {
        id: 'g1', displayName: 'Sales', description: null, securityEnabled: true, mailEnabled: false, groupTypes: ['DynamicMembership'],
        onPremisesSyncEnabled: null, securityIdentifier: 'S-1-12-1-1', extension_abc_WritebackEnabled: true, unrelated: 1,
      },
      ['extension_abc_WritebackEnabled', 'extension_abc_Dept'],
    );
    expect(g).toEqual({
      id: 'g1', displayName: 'Sales', description: null, securityEnabled: true, mailEnabled: false, mailNickname: null,
      groupTypes: ['DynamicMembership'], onPremisesSyncEnabled: null, onPremisesSecurityIdentifier: null,
      onPremisesSamAccountName: null, securityIdentifier: 'S-1-12-1-1', isAssignableToRole: null, membershipRule: null,
      createdDateTime: null, extra: { extension_abc_WritebackEnabled: true, extension_abc_Dept: null },
    });
  });

  it('has no extra when none is configured', () => {
    expect(toCloudGroup({ id: 'g', groupTypes: null }, [])).not.toHaveProperty('extra');
    expect(toCloudGroup({ id: 'g', groupTypes: null }, []).groupTypes).toEqual([]);
  });
});

describe('toGroupPatch', () => {
  it('keeps only the carried properties of a continuation chunk', () => {
    expect(toGroupPatch({ id: 'g', 'members@delta': [] }, ['extension_x_Y'])).toEqual({ id: 'g' });
  });
  it('a full entry reports omitted extras as null', () => {
    expect(toGroupPatch({ id: 'g', displayName: 'A', description: null }, ['extension_x_Y'])).toEqual({
      id: 'g', displayName: 'A', description: null, extra: { extension_x_Y: null },
    });
  });
  const every = {
    id: 'g', displayName: 'Sales', description: 'd', securityEnabled: true, mailEnabled: false, mailNickname: 'sales', groupTypes: ['DynamicMembership', 7],
    onPremisesSyncEnabled: null, onPremisesSecurityIdentifier: null, onPremisesSamAccountName: null, securityIdentifier: 'S-1-12-1-1-2-3-4',
    isAssignableToRole: null, membershipRule: 'user.department -eq "Sales"', createdDateTime: '2026-12-03T00:00:00Z', 'members@delta': [], extension_x_Y: 'v',
  };
  it('an entry with every property: every property converted (as toCloudGroup does), extras kept', () => {
    const { extra, ...patch } = toGroupPatch(every, ['extension_x_Y']);
    const { extra: _, members: __, ...whole } = toCloudGroup(every, []);
    expect(patch).toEqual(whole);
    expect(patch.groupTypes).toEqual(['DynamicMembership']);
    expect(extra).toEqual({ extension_x_Y: 'v' });
  });
  it('an entry missing one property: that property stays absent (a delta patch never invents a value)', () => {
    const { mailNickname: _, ...partial } = every;
    const patch = toGroupPatch(partial, []);
    expect('mailNickname' in patch).toBe(false);
    expect(patch).toMatchObject({ id: 'g', displayName: 'Sales', securityIdentifier: 'S-1-12-1-1-2-3-4' });
  });
  it('no groupTypes: one shared empty list nobody can add to', () => {
    const a = toGroupPatch({ ...every, groupTypes: [] }, []);
    const b = toCloudGroup({ id: 'h' }, []);
    expect(a.groupTypes).toEqual([]);
    expect(() => a.groupTypes!.push('Unified')).toThrow(TypeError);
    expect(b.groupTypes).toEqual([]);
  });
});

describe('toCloudUser', () => {
  it('maps the on-premises properties', () => {
    const u = toCloudUser({
      '@odata.type': '#microsoft.graph.user', id: 'u1', userPrincipalName: 'alice@contoso.com', onPremisesSyncEnabled: true,
      onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105', onPremisesImmutableId: 'MyIRAFVEd2aImaq7zN3u/w==',
      onPremisesSamAccountName: 'alice', onPremisesDomainName: 'contoso.com',
    });
    expect(u).toEqual({
      id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: null, onPremisesSyncEnabled: true,
      onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1105', onPremisesImmutableId: 'MyIRAFVEd2aImaq7zN3u/w==',
      onPremisesDistinguishedName: null, onPremisesSamAccountName: 'alice', onPremisesDomainName: 'contoso.com',
      onPremisesUserPrincipalName: null,
    });
    expect(toCloudUser({ id: 'u', onPremisesObjectIdentifier: '00112233-4455-6677-8899-aabbccddeeff' }).onPremisesObjectIdentifier).toBe(
      '00112233-4455-6677-8899-aabbccddeeff',
    );
  });
});
