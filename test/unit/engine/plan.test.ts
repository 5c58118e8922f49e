import { describe, expect, it } from 'vitest';
import type { AdGroup } from '../../../src/model/directory';
import { attributeChanges, canonicalValue, diffMembers, moveFor, planGroupObject } from '../../../src/engine/plan';
import { matchGroup } from '../../../src/engine/match';
import { createMapper } from '../../../src/engine/mapper';
import type { CloudGroup } from '../../../src/model/cloud';
import { normalizeDn } from '../../../src/directory/dn';

const OU = 'OU=Cloud Groups,DC=lab,DC=example,DC=com';
const mapper = createMapper({ target: { container: OU }, mappings: [] });
const cloud = (g: Partial<CloudGroup> = {}): CloudGroup => ({
  id: '0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  displayName: 'Sales, EMEA',
  description: 'd',
  securityEnabled: true,
  mailEnabled: false,
  groupTypes: [],
  onPremisesSyncEnabled: null,
  onPremisesSecurityIdentifier: null,
  ...g,
});
function actualFor(g: CloudGroup, patch: Partial<AdGroup> = {}): AdGroup {
  const d = mapper.map(g);
  const attributes: Record<string, string> = { groupType: '-2147483640', cn: d.cn };
  for (const [k, v] of Object.entries(d.attributes)) if (typeof v === 'string') attributes[k] = v;
  return { dn: d.dn, objectGuid: 'guid', objectSid: 'S-1-5-21-1-2-3-500', anchor: d.anchor, attributes, ...patch };
}

describe('map (default mappings)', () => {
  it('computes cn, DN (escaped), anchor and attributes of spec §4', () => {
    const d = mapper.map(cloud({ displayName: '  #Sales, "EMEA" + <R&D>; a=b \\ ' + 'x'.repeat(60), description: '  padded  ' }));
    expect(d.cn).toBe(`#Sales, "EMEA" + <R&D>; a=b \\ ${'x'.repeat(21)}_0c1d2e3f4a5b`);
    expect(d.cn.length).toBe(64);
    expect(d.dn).toBe(`CN=\\#Sales\\, \\"EMEA\\" \\+ \\<R&D\\>\\; a\\=b \\\\ ${'x'.repeat(21)}_0c1d2e3f4a5b,${OU}`);
    expect(d.attributes).toMatchObject({
      description: 'padded',
      adminDescription: 'Group_0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      'msDS-ExternalDirectoryObjectId': 'Group_0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
    });
    expect(d.attributes.displayName).toMatch(/^ {2}#Sales/);
  });
});

describe('plan', () => {
  it('creates with the universal security groupType when nothing matches', () => {
    const p = planGroupObject(mapper.map(cloud()), { method: 'none', actual: null });
    expect(p.create?.attributes).toMatchObject({ groupType: '-2147483640', displayName: 'Sales, EMEA' });
    expect(p.create?.attributes).not.toHaveProperty('cn');
  });

  it('plans nothing when AD already matches', () => {
    const g = cloud();
    expect(planGroupObject(mapper.map(g), { method: 'anchor', actual: actualFor(g) })).toEqual({});
  });

  it('lists changed attributes old → new and clears a removed description', () => {
    const g = cloud({ description: null });
    const changes = attributeChanges(mapper.map(g), actualFor(cloud(), { attributes: { ...actualFor(cloud()).attributes, displayName: 'Old' } }));
    expect(changes).toEqual(expect.arrayContaining([{ attribute: 'description', old: 'd', new: null }, { attribute: 'displayName', old: 'Old', new: 'Sales, EMEA' }]));
  });

  it('detects a rename (case-sensitive) and a move, not escaping or case differences of the parent', () => {
    const g = cloud();
    const d = mapper.map(g);
    const same = d.dn.replace('OU=Cloud Groups,DC=lab', 'ou=cloud groups,dc=LAB').replace('Sales\\, EMEA', 'Sales\\2C EMEA');
    expect(moveFor(d, same)).toBeUndefined();
    expect(moveFor(d, d.dn.replace('Sales', 'sales'))).toMatchObject({ rename: true, moved: false });
    expect(moveFor(d, d.dn.replace('OU=Cloud Groups', 'OU=Old'))).toMatchObject({ rename: false, moved: true, toDn: d.dn });
  });

  it('stamps the anchor on a group matched by SID', async () => {
    const g = cloud({ onPremisesSyncEnabled: false, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1100' });
    const legacy: AdGroup = { dn: `CN=Sales,OU=Legacy,DC=lab,DC=example,DC=com`, objectGuid: 'g', objectSid: 'S-1-5-21-1-2-3-1100', anchor: null, attributes: { groupType: '-2147483640', displayName: 'Sales' } };
    const m = await matchGroup(g, { byAnchor: () => [], bySid: () => legacy });
    expect(m.method).toBe('sid');
    const p = planGroupObject(mapper.map(g), m);
    expect(p.move).toMatchObject({ rename: true, moved: true });
    expect(p.update?.matchedBy).toBe('sid');
    expect(p.update?.changes).toEqual(expect.arrayContaining([{ attribute: 'msDS-ExternalDirectoryObjectId', old: null, new: `Group_${g.id}` }]));
  });

  it('refuses a SID match on a global group or one anchored to another cloud group', async () => {
    const g = cloud({ onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1100' });
    const global: AdGroup = { dn: 'CN=x,DC=lab', objectGuid: 'g', objectSid: 'S-1-5-21-1-2-3-1100', anchor: null, attributes: { groupType: '-2147483646' } };
    expect((await matchGroup(g, { byAnchor: () => [], bySid: () => global })).error?.code).toBe('GroupScopeNotUniversal');
    const other = { ...global, anchor: 'Group_99999999-0000-0000-0000-000000000000', attributes: { groupType: '-2147483640' } };
    expect((await matchGroup(g, { byAnchor: () => [], bySid: () => other })).error?.code).toBe('SidMatchAnchoredElsewhere');
    expect((await matchGroup(g, { byAnchor: () => [other, global], bySid: () => null })).error?.code).toBe('DuplicateTargetEntries');
  });

  it('canonicalises values: empty → null, arrays order-insensitive', () => {
    expect(canonicalValue('')).toBeNull();
    expect(canonicalValue([])).toBeNull();
    expect(canonicalValue(['b', 'a'])).toEqual(['a', 'b']);
    expect(canonicalValue(['x'])).toBe('x');
  });
});

describe('member diff', () => {
  const A = 'CN=Alice,OU=Users,DC=lab';
  const B = 'CN=Bob,OU=Users,DC=lab';
  const C = 'CN=Smith\\, John,OU=Users,DC=lab';
  it('adds missing and removes extra members, comparing DNs case- and escaping-insensitively', () => {
    expect(diffMembers([A, C, B], ['cn=alice,ou=users,dc=lab', 'CN=Smith\\2C John,OU=Users,DC=lab', 'CN=Zed,DC=lab'])).toEqual({ add: [B], remove: ['CN=Zed,DC=lab'] });
  });
  it('keepUnmanaged removes only members the engine wrote', () => {
    const written = new Set([normalizeDn(B)]);
    expect(diffMembers([A], [A, B, C], { keepUnmanaged: true, written })).toEqual({ add: [], remove: [B] });
  });
});
