import { describe, expect, it } from 'vitest';
import type { CloudGroup } from '../../../src/model/cloud';
import type { ScopeClause } from '../../../src/config/types';
import { baseExclusion, evaluateClause, scopeGroup } from '../../../src/engine/scope';

const group = (g: Partial<CloudGroup> = {}): CloudGroup => ({
  id: '11111111-2222-3333-4444-555555555555',
  displayName: 'Sales EMEA',
  description: 'Team 42',
  securityEnabled: true,
  mailEnabled: false,
  groupTypes: [],
  onPremisesSyncEnabled: null,
  onPremisesSecurityIdentifier: null,
  ...g,
});
const all = { mode: 'all' as const, groupIds: [], filters: [] as ScopeClause[][] };
const clause = (attribute: string, operator: ScopeClause['operator'], value?: string | number): ScopeClause => (value === undefined ? { attribute, operator } : { attribute, operator, value });

describe('base clause', () => {
  it.each([
    [{ groupTypes: ['Unified'], mailEnabled: true }, /Microsoft 365/],
    [{ mailEnabled: true }, /mail-enabled/],
    [{ securityEnabled: false }, /not security-enabled/],
    [{ onPremisesSyncEnabled: true }, /synced from AD/],
  ])('excludes %j', (patch, reason) => {
    expect(baseExclusion(group(patch as Partial<CloudGroup>))).toMatch(reason);
    expect(scopeGroup(group(patch as Partial<CloudGroup>), all)).toMatchObject({ inScope: false, reason: expect.stringMatching(reason) });
  });

  it('lets SOA-converted (onPremisesSyncEnabled false) and cloud (null) groups through', () => {
    expect(baseExclusion(group({ onPremisesSyncEnabled: false }))).toBeNull();
    expect(baseExclusion(group())).toBeNull();
  });
});

describe('operators', () => {
  const g = group({ extra: { extension_0123456789abcdef0123456789abcdef_Writeback: true, extensionAttribute1: '15' } });
  it.each([
    [clause('displayName', 'EQUALS', 'Sales EMEA'), true],
    [clause('displayName', 'EQUALS', 'sales emea'), false],
    [clause('displayName', 'NOT EQUALS', 'Sales'), true],
    [clause('description', 'REGEX MATCH', '([1-9][0-9])'), true],
    [clause('description', 'REGEX MATCH', '^team'), false],
    [clause('description', 'NOT REGEX MATCH', '^Team'), false],
    [clause('mailNickname', 'NOT REGEX MATCH', 'x'), false],
    [clause('extension_0123456789abcdef0123456789abcdef_Writeback', 'IS TRUE'), true],
    [clause('mailEnabled', 'IS FALSE'), true],
    [clause('mailNickname', 'IS NULL'), true],
    [clause('description', 'IS NOT NULL'), true],
    [clause('extensionAttribute1', 'GREATER_THAN', 14), true],
    [clause('extensionAttribute1', 'GREATER_THAN', 15), false],
    [clause('extensionAttribute1', 'GREATER_THAN_OR_EQUALS', 15), true],
    [clause('displayName', 'GREATER_THAN', 1), false],
    [clause('objectId', 'EQUALS', '11111111-2222-3333-4444-555555555555'), true],
    [clause('DISPLAYNAME', 'EQUALS', 'Sales EMEA'), true],
    [clause('groupTypes', 'IS NULL'), true],
  ])('%j → %s', (c, want) => {
    expect(evaluateClause(g, c)).toBe(want);
  });
});

describe('scope modes and filters', () => {
  it('selected mode takes only the listed ids (case-insensitive)', () => {
    const sel = { mode: 'selected' as const, groupIds: ['11111111-2222-3333-4444-555555555555'], filters: [] };
    expect(scopeGroup(group({ id: '11111111-2222-3333-4444-555555555555'.toUpperCase() }), sel).inScope).toBe(true);
    expect(scopeGroup(group({ id: '99999999-2222-3333-4444-555555555555' }), sel)).toMatchObject({ inScope: false, reason: expect.stringMatching(/not selected/) });
  });

  it('ANDs clauses within a filter and ORs filters, naming the failing clauses', () => {
    const filters = [
      [clause('displayName', 'REGEX MATCH', '^Sales'), clause('description', 'EQUALS', 'nope')],
      [clause('description', 'REGEX MATCH', '42')],
    ];
    expect(scopeGroup(group(), { ...all, filters })).toMatchObject({ inScope: true, matchedFilter: 2 });
    const out = scopeGroup(group({ description: 'Team 7' }), { ...all, filters });
    expect(out.inScope).toBe(false);
    expect(out.reason).toBe('no scoping filter matched (filter 1: description EQUALS "nope" is false; filter 2: description REGEX MATCH "42" is false)');
  });
});
