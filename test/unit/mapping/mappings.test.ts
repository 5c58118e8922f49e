import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors';
import {
  EvaluationError,
  MappingError,
  compileMappings,
  defaultMappings,
  groupToSource,
  mergeMappings,
  type MappingRule,
} from '../../../src/mapping';
import type { CloudGroup } from '../../../src/model/cloud';

const container = 'OU=Cloud Groups,DC=lab,DC=example,DC=com';
const id = '0f8ad6f1-3c5e-4a53-b8c2-e9305786a271';
const ext = 'extension_0123456789abcdef0123456789abcdef_GroupDN';

function configErrorOf(rules: MappingRule[]): ConfigError {
  try {
    compileMappings(rules);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function mappingErrorOf(rules: MappingRule[], source: Record<string, unknown>): MappingError {
  const m = compileMappings(rules);
  try {
    m.map(source);
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('expected a MappingError');
}

const withDefaults = (...overrides: MappingRule[]) => mergeMappings(defaultMappings({ targetContainer: container }), overrides);

describe('defaultMappings (spec §4)', () => {
  it('are the Cloud Sync defaults in the expression language', () => {
    expect(defaultMappings({ targetContainer: container })).toEqual([
      { target: 'adminDescription', type: 'Expression', source: 'Append("Group_",[objectId])' },
      { target: 'cn', type: 'Expression', source: 'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))' },
      { target: 'description', type: 'Expression', source: 'Left(Trim([description]),448)' },
      { target: 'displayName', type: 'Direct', source: 'displayName' },
      { target: 'msDS-ExternalDirectoryObjectId', type: 'Expression', source: 'Append("Group_",[objectId])' },
      { target: 'parentDistinguishedName', type: 'Constant', source: container },
    ]);
  });

  it('map a group', () => {
    const m = compileMappings(defaultMappings({ targetContainer: container }));
    expect(m.targets).toEqual(['adminDescription', 'cn', 'description', 'displayName', 'msDS-ExternalDirectoryObjectId', 'parentDistinguishedName']);
    const g = m.map({ objectId: id, displayName: 'Sales', description: ' EMEA sales ' });
    expect(g).toEqual({
      attributes: { adminDescription: `Group_${id}`, description: 'EMEA sales', displayName: 'Sales', 'msDS-ExternalDirectoryObjectId': `Group_${id}` },
      cn: 'Sales_e9305786a271',
      parentDistinguishedName: container,
      onCreateOnly: new Set(),
      dropped: new Set(),
    });
  });

  it('null and empty values clear the attribute (null), as Microsoft flows "" as NULL', () => {
    const m = compileMappings(defaultMappings({ targetContainer: container }));
    expect(m.map({ id, displayName: 'x', description: null }).attributes.description).toBeNull();
    expect(m.map({ id, displayName: 'x', description: '   ' }).attributes.description).toBeNull();
    expect(m.map({ id, displayName: '', description: '' }).attributes.displayName).toBeNull();
  });

  it('a group without displayName still gets a cn (Left of null is "")', () => {
    const m = compileMappings(defaultMappings({ targetContainer: container }));
    expect(m.map({ objectId: id, displayName: null }).cn).toBe('_e9305786a271');
  });
});

describe('mergeMappings', () => {
  it('overrides by target (case-insensitive), keeps order, appends new targets', () => {
    const merged = withDefaults(
      { target: 'CN', type: 'Expression', source: 'Append("Group_", [objectId])' },
      { target: 'sAMAccountName', type: 'Expression', source: 'Join("_", [displayName], "Contoso_Group")', apply: 'OnCreateOnly' },
      { target: 'description', type: 'None' },
    );
    expect(merged.map((r) => `${r.target}:${r.type}`)).toEqual([
      'adminDescription:Expression',
      'CN:Expression',
      'description:None',
      'displayName:Direct',
      'msDS-ExternalDirectoryObjectId:Expression',
      'parentDistinguishedName:Constant',
      'sAMAccountName:Expression',
    ]);
    const g = compileMappings(merged).map({ objectId: id, displayName: 'Marketing', description: 'ignored' });
    expect(g.cn).toBe(`Group_${id}`);
    expect(g.attributes.sAMAccountName).toBe('Marketing_Contoso_Group');
    expect(g.attributes).not.toHaveProperty('description');
    expect(g.dropped).toEqual(new Set(['description']));
    expect(g.onCreateOnly).toEqual(new Set(['sAMAccountName']));
  });

  it.each(['msDS-ExternalDirectoryObjectId', 'adminDescription', 'ADMINDESCRIPTION'])('refuses to override the service-managed %s', (target) => {
    expect(() => withDefaults({ target, type: 'Constant', source: 'x' })).toThrow(/managed by the service/);
  });

  it('rejects two overrides of the same target', () => {
    expect(() => withDefaults({ target: 'info', type: 'Constant', source: 'a' }, { target: 'Info', type: 'Constant', source: 'b' })).toThrow(/Two mappings target 'Info'/);
  });
});

describe('compileMappings rejects bad rules at load time, naming the rule', () => {
  it('a syntax error names the target, the column and what was expected', () => {
    const err = configErrorOf(withDefaults({ target: 'info', type: 'Expression', source: 'Left([displayName] 3)' }));
    expect(err.message).toBe("Mapping for 'info': Expected ',' or ')' but found the number 3 (at column 20)");
    expect(err.code).toBe('ExpressionSyntaxError');
    expect(err.target).toEqual({ mapping: 'mappings[6]', target: 'info', expression: 'Left([displayName] 3)', line: 1, column: 20 });
    expect(err.cause).toBeDefined();
  });

  it.each<[string, MappingRule, RegExp, string]>([
    ['unknown function', { target: 'info', type: 'Expression', source: 'Lefts([displayName], 3)' }, /Mapping for 'info': Unknown function 'Lefts'/, 'UnknownFunction'],
    ['unknown attribute', { target: 'info', type: 'Expression', source: 'Left([department], 3)' }, /Unknown attribute \[department\]/, 'UnknownAttribute'],
    ['unknown Direct attribute', { target: 'info', type: 'Direct', source: 'dispayName' }, /unknown source attribute 'dispayName'/, 'UnknownAttribute'],
    ['empty expression', { target: 'info', type: 'Expression', source: ' ' }, /has no expression/, 'InvalidMapping'],
    ['Constant without value', { target: 'info', type: 'Constant' }, /has no value/, 'InvalidMapping'],
    ['invalid type', { target: 'info', type: 'Formula' as never, source: 'x' }, /invalid type "Formula"/, 'InvalidMapping'],
    ['invalid apply', { target: 'info', type: 'Constant', source: 'x', apply: 'Sometimes' as never }, /invalid apply "Sometimes"/, 'InvalidMapping'],
    ['member', { target: 'member', type: 'Direct', source: 'members' }, /'member' cannot be mapped/, 'UnmappableTarget'],
    ['groupType', { target: 'groupType', type: 'Constant', source: '2' }, /'groupType' cannot be mapped/, 'UnmappableTarget'],
    ['isSecurityGroup', { target: 'isSecurityGroup', type: 'Constant', source: 'True' }, /cannot be mapped/, 'UnmappableTarget'],
    ['SelectUniqueValue not create-only', { target: 'sAMAccountName', type: 'Expression', source: 'SelectUniqueValue([displayName], [objectId])' }, /SelectUniqueValue is meant for creation only/, 'InvalidMapping'],
    ['defaultValue not a string', { target: 'info', type: 'Constant', source: 'x', defaultValue: 5 as never }, /defaultValue must be a string/, 'InvalidMapping'],
  ])('%s', (_name, rule, message, code) => {
    const err = configErrorOf(withDefaults(rule));
    expect(err.message).toMatch(message);
    expect(err.code).toBe(code);
    expect(err.target).toMatchObject({ mapping: 'mappings[6]' });
    expect(err.hint).toBeTruthy();
  });

  it('cn and parentDistinguishedName are required (and cannot be None)', () => {
    const noCn = defaultMappings({ targetContainer: container }).filter((r) => r.target !== 'cn');
    expect(configErrorOf(noCn).message).toBe("A mapping for 'cn' is required.");
    const noneParent = withDefaults({ target: 'parentDistinguishedName', type: 'None' });
    expect(configErrorOf(noneParent).message).toBe("A mapping for 'parentDistinguishedName' is required.");
  });

  it('duplicate targets and malformed rules', () => {
    const dup = [...defaultMappings({ targetContainer: container }), { target: 'CN', type: 'Constant', source: 'x' } as MappingRule];
    expect(configErrorOf(dup).message).toMatch(/Mapping for 'CN' appears twice \(mappings\[1\] and mappings\[6\]\)/);
    expect(configErrorOf([null as never]).message).toMatch(/mappings\[0\] is not an object/);
    expect(configErrorOf([{ type: 'Direct' } as never]).message).toMatch(/mappings\[0\] has no target attribute/);
    expect(() => compileMappings('nope' as never)).toThrow(ConfigError);
  });
});

describe('MappedGroup semantics', () => {
  it('IgnoreFlowIfNullOrEmpty drops the attribute; None leaves it unmanaged', () => {
    const m = compileMappings(
      withDefaults(
        { target: 'info', type: 'Expression', source: 'IgnoreFlowIfNullOrEmpty([classification])' },
        { target: 'mail', type: 'None' },
      ),
    );
    expect(m.targets).not.toContain('mail');
    const dropped = m.map({ id, displayName: 'x' });
    expect(dropped.attributes).not.toHaveProperty('info');
    expect(dropped.dropped).toEqual(new Set(['info', 'mail']));
    const kept = m.map({ id, displayName: 'x', classification: 'Confidential' });
    expect(kept.attributes.info).toBe('Confidential');
    expect(kept.dropped).toEqual(new Set(['mail']));
  });

  it('per-group OU routing with Switch, and defaultValue when the expression gives null', () => {
    const m = compileMappings(
      withDefaults(
        { target: 'parentDistinguishedName', type: 'Expression', source: 'Switch([displayName], "OU=Default,DC=contoso,DC=com", "Sales", "OU=Sales,DC=contoso,DC=com")' },
        { target: 'info', type: 'Direct', source: 'classification', defaultValue: 'Unclassified' },
        { target: 'wWWHomePage', type: 'Expression', source: `IIF(IsPresent([${ext}]), [${ext}], [${ext}])`, defaultValue: 'https://intranet' },
      ),
    );
    expect(m.map({ id, displayName: 'Sales' }).parentDistinguishedName).toBe('OU=Sales,DC=contoso,DC=com');
    expect(m.map({ id, displayName: 'HR' }).parentDistinguishedName).toBe('OU=Default,DC=contoso,DC=com');
    expect(m.map({ id, displayName: 'HR' }).attributes.info).toBe('Unclassified');
    expect(m.map({ id, displayName: 'HR', classification: 'Secret' }).attributes.info).toBe('Secret');
    expect(m.map({ id, displayName: 'HR' }).attributes.wWWHomePage).toBe('https://intranet');
  });

  it('GroupDN recipe with defaultValue on parentDistinguishedName', () => {
    const m = compileMappings(
      withDefaults({
        target: 'parentDistinguishedName',
        type: 'Expression',
        source: `IIF(IsPresent([${ext}]), Replace(Mid(Mid(Replace([${ext}], "\\,", , , "\\2C", , ), Instr(Replace([${ext}], "\\,", , , "\\2C", , ), ",", , ), 9999), 2, 9999), "\\2C", , , ",", , ), [${ext}])`,
        defaultValue: container,
      }),
    );
    expect(m.map({ id, displayName: 'x', [ext]: 'CN=Legacy,OU=Apps,DC=lab,DC=example,DC=com' }).parentDistinguishedName).toBe('OU=Apps,DC=lab,DC=example,DC=com');
    expect(m.map({ id, displayName: 'x' }).parentDistinguishedName).toBe(container);
  });

  it('multi-valued results stay arrays; empty values are removed', () => {
    const m = compileMappings(withDefaults({ target: 'url', type: 'Expression', source: 'Split([classification], ";")' }));
    expect(m.map({ id, displayName: 'x', classification: 'a;;b' }).attributes.url).toEqual(['a', 'b']);
    expect(m.map({ id, displayName: 'x', classification: ';' }).attributes.url).toBeNull();
    expect(m.map({ id, displayName: 'x' }).attributes.url).toBeNull();
  });

  it('Constant "" clears; OnCreateOnly is reported (cn included)', () => {
    const m = compileMappings(withDefaults({ target: 'info', type: 'Constant', source: '' }, { target: 'cn', type: 'Expression', source: 'Append("Group_", [objectId])', apply: 'OnCreateOnly' }));
    const g = m.map({ id, displayName: 'x' });
    expect(g.attributes.info).toBeNull();
    expect(g.onCreateOnly).toEqual(new Set(['cn']));
  });

  it('Redact and SelectUniqueValue are reported; isUnique is consulted', () => {
    const m = compileMappings(
      withDefaults(
        { target: 'info', type: 'Expression', source: 'Redact([classification])' },
        { target: 'sAMAccountName', type: 'Expression', source: 'SelectUniqueValue(Left([displayName], 20), Append(Left([displayName], 7), Mid([objectId], 25, 12)))', apply: 'OnCreateOnly' },
      ),
    );
    const g = m.map({ id, displayName: 'Finance', classification: 'secret' });
    expect(g.attributes.info).toBe('secret');
    expect(g.redacted).toEqual(new Set(['info']));
    expect(g.uniqueCandidates).toEqual({ sAMAccountName: ['Finance', 'Financee9305786a271'] });
    expect(g.attributes.sAMAccountName).toBe('Finance');
    expect(m.map({ id, displayName: 'Finance' }, { isUnique: (v) => v !== 'Finance' }).attributes.sAMAccountName).toBe('Financee9305786a271');
  });

  it('macros are available to mapping expressions', () => {
    const m = compileMappings(withDefaults({ target: 'info', type: 'Expression', source: 'Append([displayName], Append("@", %DomainFQDN%))' }), { macros: { DomainFQDN: 'lab.example.com' } });
    expect(m.map({ id, displayName: 'x' }).attributes.info).toBe('x@lab.example.com');
  });
});

describe('map() errors name the attribute and the group', () => {
  it('cn longer than 64 characters', () => {
    const err = mappingErrorOf(withDefaults({ target: 'cn', type: 'Expression', source: 'Append([displayName], [objectId])' }), { id, displayName: 'A'.repeat(30) });
    expect(err.code).toBe('CnTooLong');
    expect(err.message).toMatch(new RegExp(`Mapping for 'cn' failed for group ${id}: the value is 66 characters long; AD allows at most 64`));
    expect(err.target).toEqual({ attribute: 'cn', groupId: id, expression: 'Append([displayName], [objectId])' });
  });

  it('cn dropped or empty', () => {
    expect(mappingErrorOf(withDefaults({ target: 'cn', type: 'Expression', source: 'IgnoreFlowIfNullOrEmpty([displayName])' }), { id }).code).toBe('MappingEmpty');
    expect(mappingErrorOf(withDefaults({ target: 'cn', type: 'Direct', source: 'displayName' }), { id, displayName: '' }).code).toBe('MappingEmpty');
    expect(mappingErrorOf(withDefaults({ target: 'cn', type: 'Expression', source: 'Split("a,b", ",")' }), { id }).code).toBe('MappingMultiValued');
  });

  it('a parent that is not a DN', () => {
    const err = mappingErrorOf(withDefaults({ target: 'parentDistinguishedName', type: 'Direct', source: 'displayName' }), { id, displayName: 'not a dn' });
    expect(err.code).toBe('DistinguishedNameBadSyntax');
  });

  it('an evaluation error keeps its cause and its function/argument', () => {
    const err = mappingErrorOf(withDefaults({ target: 'info', type: 'Expression', source: 'Item([groupTypes], 2)' }), { id, displayName: 'x', groupTypes: ['DynamicMembership'] });
    expect(err.message).toMatch(/Mapping for 'info' failed for group .*: Item \(argument 'index'\): index 2 is out of range \(1 to 1\) \(at column 1\)/);
    expect(err.cause).toBeInstanceOf(EvaluationError);
    expect((err.cause as EvaluationError).argument).toBe('index');
    expect(err.category).toBe('InvalidData');
  });

  it('Error() in a mapping fails that group only', () => {
    const m = compileMappings(withDefaults({ target: 'info', type: 'Expression', source: 'IIF(IsPresent([classification]), [classification], Error("classification is required"))' }));
    expect(m.map({ id, displayName: 'x', classification: 'c' }).attributes.info).toBe('c');
    expect(() => m.map({ id, displayName: 'x' })).toThrow(/classification is required/);
  });
});

describe('groupToSource', () => {
  it('flattens a CloudGroup for the expressions', () => {
    const group: CloudGroup = {
      id,
      displayName: 'Sales',
      description: null,
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      onPremisesSyncEnabled: null,
      onPremisesSecurityIdentifier: null,
      extra: { [ext]: 'CN=Sales,OU=Groups,DC=contoso,DC=com', displayName: 'not me' },
      members: [
        { id: 'u1', kind: 'user' },
        { id: 'g1', kind: 'group' },
      ],
    };
    const src = groupToSource(group);
    expect(src).toMatchObject({ objectId: id, id, displayName: 'Sales', [ext]: 'CN=Sales,OU=Groups,DC=contoso,DC=com', members: ['u1', 'g1'], dirSyncEnabled: null });
    const m = compileMappings(withDefaults({ target: 'info', type: 'Expression', source: `Join(";", Count([members]), DNComponent([${ext}], 1), [securityEnabled])` }));
    const g = m.map(src);
    expect(g.cn).toBe('Sales_e9305786a271');
    expect(g.attributes.info).toBe('2;Sales;True');
  });
});
