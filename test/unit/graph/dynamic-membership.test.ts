/**
 * Issue 14 part 1 — the Graph emulator's dynamic groups: membershipRule parsing/evaluation, re-evaluation on user
 * and rule changes, Paused, delta's members@delta, tenant-file seeding, and the write API's refusals.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRule, parseMembershipRule } from '../../lab/graph/dynamic/membership-rule';
import { TenantStore } from '../../lab/graph/store';
import type { GraphUser } from '../../lab/graph/types';

const user = (p: Partial<GraphUser>): GraphUser => ({
  id: 'u', displayName: null, userPrincipalName: 'u@contoso.com', givenName: null, surname: null, mail: null, mailNickname: null,
  accountEnabled: true, createdDateTime: '', deletedDateTime: null, onPremisesSyncEnabled: null, onPremisesSecurityIdentifier: null,
  onPremisesImmutableId: null, onPremisesDistinguishedName: null, onPremisesSamAccountName: null, onPremisesDomainName: null,
  onPremisesUserPrincipalName: null, onPremisesLastSyncDateTime: null, ...p,
});
const matches = (rule: string, u: Partial<GraphUser>) => evaluateRule(parseMembershipRule(rule), user(u));

describe('membershipRule evaluation', () => {
  it.each([
    ['user.department -eq "Sales"', { department: 'sales' }, true],
    ['user.department -eq "Sales"', { department: 'Sales EMEA' }, false],
    ['user.department -eq "Sales"', {}, false],
    ['user.department -ne "Sales"', { department: 'HR' }, true],
    ['user.department -ne "Sales"', {}, true],
    ['user.department -eq null', {}, true],
    ['user.department -ne null', { department: 'HR' }, true],
    ['user.jobTitle -contains "engineer"', { jobTitle: 'Senior Engineer II' }, true],
    ['user.jobTitle -notContains "engineer"', { jobTitle: 'Senior Engineer II' }, false],
    ['user.city -startsWith "Lag"', { city: 'Lagos' }, true],
    ['user.city -startswith "lag"', { city: 'Abuja' }, false],
    ['user.city -notStartsWith "Lag"', { city: 'Abuja' }, true],
    ['user.mail -endsWith "@contoso.com"', { mail: 'a@Contoso.com' }, true],
    ['user.city -in ["Lagos", "Ibadan", "Kaduna"]', { city: 'ibadan' }, true],
    ['user.city -notIn ["Lagos", "Ibadan"]', { city: 'Abuja' }, true],
    ['user.city -match "^La.*s$"', { city: 'Lagos' }, true],
    ['user.city -notMatch "^La"', { city: 'Lagos' }, false],
    ['user.accountEnabled -eq true', { accountEnabled: true }, true],
    ['user.accountEnabled -eq false', { accountEnabled: true }, false],
    ['user.department -eq "Sales" -and user.city -eq "Oslo"', { department: 'Sales', city: 'Bergen' }, false],
    ['user.department -eq "Sales" -or user.city -eq "Oslo"', { department: 'HR', city: 'Oslo' }, true],
    // -and binds tighter than -or
    ['user.department -eq "HR" -or user.department -eq "Sales" -and user.city -eq "Oslo"', { department: 'HR', city: 'Bergen' }, true],
    ['(user.department -eq "HR" -or user.department -eq "Sales") -and user.city -eq "Oslo"', { department: 'HR', city: 'Bergen' }, false],
    ['-not (user.department -eq "HR")', { department: 'Sales' }, true],
    ['user.department -eq "HR" -and -not (user.jobTitle -startsWith "Intern")', { department: 'HR', jobTitle: 'Intern 2' }, false],
    ['user.displayName -eq "Say `"hi`""', { displayName: 'Say "hi"' }, true],
    ['user.objectId -eq "u"', {}, true],
    ['user.extensionAttribute3 -eq "X"', { onPremisesExtensionAttributes: { extensionAttribute3: 'x' } }, true],
    ['USER.DEPARTMENT -EQ "Sales"', { department: 'Sales' }, true],
  ] as Array<[string, Partial<GraphUser>, boolean]>)('%s on %j → %s', (rule, u, want) => {
    expect(matches(rule, u)).toBe(want);
  });

  it.each([
    ['device.deviceOSType -eq "Windows"', /device properties/],
    ['user.memberof -any (group.objectId -in ["0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"])', /memberOf rules/],
    ['user.otherMails -any (_ -contains "x")', /multi-valued/],
    ['Direct Reports for "0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"', /Direct Reports/],
    ['user.noSuchThing -eq "x"', /Wrong property applied/],
    ['user.department -eq ["a", "b"]', /needs -in or -notIn/],
    ['user.department -in "a"', /needs a list/],
    ['user.department -eq "Sales" -and', /expected a property/],
    ['(user.department -eq "Sales"', /expected '\)'/],
    ['user.department -eq Sales', /values must be quoted/],
    ['user.department -like "x"', /unknown operator '-like'/],
    ['user.department -eq "unterminated', /unterminated string/],
    ['', /empty/],
  ])('refuses %s with a clear 400', (rule, why) => {
    let err: unknown;
    try { parseMembershipRule(rule); } catch (e) { err = e; }
    expect(err).toMatchObject({ status: 400, graphCode: 'Request_BadRequest' });
    expect((err as Error).message).toMatch(/^Dynamic membership rule validation error: /);
    expect((err as Error).message).toMatch(why);
  });
});

describe('dynamic groups in the store', () => {
  const setup = () => {
    const s = new TenantStore();
    const ann = s.addUser({ userPrincipalName: 'ann@contoso.com', displayName: 'Ann', department: 'Sales' });
    const bob = s.addUser({ userPrincipalName: 'bob@contoso.com', displayName: 'Bob', department: 'HR' });
    const g = s.addGroup({ displayName: 'Dyn Sales', mailEnabled: false, securityEnabled: true, mailNickname: 'dyn-sales',
      groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' });
    return { s, ann, bob, g };
  };
  const memberIds = (s: TenantStore, g: string) => s.membersOf(g).map((m) => m.id).sort();

  it('evaluates on create, on user changes (create, update, restore) and on rule changes', () => {
    const { s, ann, bob, g } = setup();
    expect(g.membershipRuleProcessingState).toBe('On');
    expect(memberIds(s, g.id)).toEqual([ann.id]);
    s.updateUser(bob.id, { department: 'Sales' });
    expect(memberIds(s, g.id)).toEqual([ann.id, bob.id].sort());
    s.updateUser(ann.id, { department: 'Marketing' });
    expect(memberIds(s, g.id)).toEqual([bob.id]);
    const cara = s.addUser({ userPrincipalName: 'cara@contoso.com', department: 'sales' });
    expect(memberIds(s, g.id)).toEqual([bob.id, cara.id].sort());
    s.deleteObject(cara.id);
    expect(memberIds(s, g.id)).toEqual([bob.id]);
    s.restoreObject(cara.id);
    expect(memberIds(s, g.id)).toEqual([bob.id, cara.id].sort());
    s.updateGroup(g.id, { membershipRule: 'user.department -eq "Marketing"' });
    expect(memberIds(s, g.id)).toEqual([ann.id]);
  });

  it('Paused freezes the membership; On again catches up', () => {
    const { s, ann, bob, g } = setup();
    s.updateGroup(g.id, { membershipRuleProcessingState: 'Paused' });
    s.updateUser(bob.id, { department: 'Sales' });
    s.updateUser(ann.id, { department: 'HR' });
    s.updateGroup(g.id, { membershipRule: 'user.department -eq "HR"' });
    expect(memberIds(s, g.id)).toEqual([ann.id]);
    s.updateGroup(g.id, { membershipRuleProcessingState: 'On' });
    expect(memberIds(s, g.id)).toEqual([ann.id]);
    s.updateGroup(g.id, { membershipRule: 'user.department -eq "Sales"' });
    expect(memberIds(s, g.id)).toEqual([bob.id]);
  });

  it('records evaluated changes as member links (what groups delta reports in members@delta)', () => {
    const { s, ann, bob, g } = setup();
    const from = s.log.seq;
    s.updateUser(bob.id, { department: 'Sales' });
    s.updateUser(ann.id, { department: 'HR' });
    const ops = s.log.between(from, s.log.seq, 'group').map((c) => [c.op, c.id, c.memberId]);
    expect(ops).toEqual([['memberAdd', g.id, bob.id], ['memberRemove', g.id, ann.id]]);
  });

  it('converts assigned → dynamic (the rule replaces every assigned member) and dynamic → assigned (members stay)', () => {
    const { s, ann, bob } = setup();
    const other = s.addGroup({ displayName: 'Other', mailEnabled: false, securityEnabled: true, mailNickname: 'other' });
    const g = s.addGroup({ displayName: 'Assigned', mailEnabled: false, securityEnabled: true, mailNickname: 'assigned' });
    s.addMember(g.id, bob.id);
    s.addMember(g.id, other.id);
    expect(() => s.updateGroup(g.id, { groupTypes: ['DynamicMembership'] })).toThrow(/membershipRule/);
    s.updateGroup(g.id, { groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' });
    expect(g.membershipRuleProcessingState).toBe('On');
    expect(memberIds(s, g.id)).toEqual([ann.id]);
    s.updateGroup(g.id, { groupTypes: [], membershipRuleProcessingState: 'Paused' });
    s.updateUser(ann.id, { department: 'HR' });
    expect(memberIds(s, g.id)).toEqual([ann.id]);
    s.addMember(g.id, bob.id);
    expect(memberIds(s, g.id)).toEqual([ann.id, bob.id].sort());
  });

  it('refuses manual member writes and invalid rules', () => {
    const { s, ann, bob, g } = setup();
    expect(() => s.addMember(g.id, bob.id)).toThrow(/cannot be managed manually/);
    expect(() => s.removeMember(g.id, ann.id)).toThrow(/cannot be managed manually/);
    expect(() => s.updateGroup(g.id, { membershipRule: 'device.deviceOSType -eq "Windows"' })).toThrow(/device properties/);
    expect(g.membershipRule).toBe('user.department -eq "Sales"');
    expect(() => s.addGroup({ displayName: 'Bad', mailEnabled: false, securityEnabled: true, mailNickname: 'bad',
      groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq' })).toThrow(/validation error/);
    expect(s.listGroups().map((x) => x.displayName)).not.toContain('Bad');
  });

  it('tenant files: evaluated members are checked against the rule; Paused groups seed a frozen membership', () => {
    const s = new TenantStore();
    const users = [
      { userPrincipalName: 'ann@contoso.com', department: 'Sales' },
      { userPrincipalName: 'bob@contoso.com', department: 'HR' },
    ];
    const dyn = { mailEnabled: false, securityEnabled: true, groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' };
    const r = s.loadTenant({ users, groups: [
      { ...dyn, displayName: 'Evaluated', mailNickname: 'ev', members: ['ann@contoso.com'] },
      { ...dyn, displayName: 'Frozen', mailNickname: 'fr', membershipRuleProcessingState: 'Paused', members: ['bob@contoso.com'] },
    ] });
    const [ev, fr] = r.groups;
    const [ann, bob] = r.users;
    expect(memberIds(s, ev.id)).toEqual([ann.id]);
    expect(memberIds(s, fr.id)).toEqual([bob.id]);
    s.updateUser(bob.id, { department: 'Sales' });
    expect(memberIds(s, fr.id)).toEqual([bob.id]);
    expect(memberIds(s, ev.id)).toEqual([ann.id, bob.id].sort());

    const t = new TenantStore();
    expect(() => t.loadTenant({ users, groups: [{ ...dyn, displayName: 'Wrong', mailNickname: 'w', members: ['bob@contoso.com'] }] }))
      .toThrow(/listed but not selected: bob@contoso.com; selected but not listed: ann@contoso.com/);
  });
});
