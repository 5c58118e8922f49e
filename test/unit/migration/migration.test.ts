/** Issue 9: the pure parts of the migration — classification, configuration planning, the journal — and in-place containers. */
import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../../src/config/types';
import type { CloudGroup } from '../../../src/model/cloud';
import type { AdGroup } from '../../../src/model/directory';
import { classify } from '../../../src/migration/classify';
import { planConfigChanges } from '../../../src/migration/config-change';
import { configChangesInForce, MigrationJournal, stampsInForce } from '../../../src/migration/journal';
import { moveFor } from '../../../src/engine/plan';
import { createMapper } from '../../../src/engine/mapper';

const OU = 'OU=Connect,DC=x';
const A = '11111111-1111-4111-8111-aaaaaaaaaaaa';
const B = '22222222-2222-4222-8222-bbbbbbbbbbbb';
const scope: ResolvedConfig['scope'] = { mode: 'all', groupIds: [], filters: [] };

function ad(cn: string, id: string, extra: Partial<AdGroup> & { groupType?: string } = {}): AdGroup {
  const { groupType, ...rest } = extra;
  return {
    dn: `CN=${cn},${OU}`, objectGuid: `guid-${cn}`, objectSid: `S-1-5-21-1-2-3-${cn.length}`, anchor: null,
    attributes: { cn, adminDescription: `Group_${id}`, groupType: groupType ?? '-2147483640' }, ...rest,
  };
}
function cloud(id: string, extra: Partial<CloudGroup> = {}): CloudGroup {
  return { id, displayName: `G ${id.slice(0, 4)}`, description: null, securityEnabled: true, mailEnabled: false, groupTypes: [], onPremisesSyncEnabled: null, onPremisesSecurityIdentifier: null, ...extra };
}
const run = (adGroups: AdGroup[], clouds: CloudGroup[], softDeleted: string[] = []) =>
  classify({ adGroups, cloud: new Map(clouds.map((c) => [c.id, c])), softDeleted: new Set(softDeleted), scope });

describe('classify', () => {
  it('adopts an eligible security group in either CN format, and knows an already stamped one', () => {
    const r = run([ad(`Group_${A}`, A), ad(`Sales_${B.slice(-12)}`, B, { anchor: `Group_${B}` })], [cloud(A), cloud(B)]);
    expect(r.map((g) => [g.cnFormat, g.action, g.eligible])).toEqual([['objectId', 'adopt', true], ['displayName', 'alreadyAnchored', true]]);
  });
  it('never stamps a Microsoft 365 group, whichever side says so', () => {
    expect(run([ad('m1', A, { groupType: '8' })], [cloud(A)])[0].action).toBe('leaveM365');
    expect(run([ad('m2', A)], [cloud(A, { groupTypes: ['Unified'], mailEnabled: true })])[0].action).toBe('leaveM365');
  });
  it('leaves groups whose cloud group is gone (soft-deleted said so), not eligible, or not Universal', () => {
    expect(run([ad('o', A)], [])[0]).toMatchObject({ action: 'leaveCloudGroupGone', eligible: false });
    expect(run([ad('o', A)], [], [A])[0].reason).toMatch(/soft-deleted/);
    expect(run([ad('m', A)], [cloud(A, { mailEnabled: true })])[0]).toMatchObject({ action: 'leaveNotEligible' });
    expect(run([ad('g', A, { groupType: '-2147483646' })], [cloud(A)])[0].reason).toMatch(/Universal/);
  });
  it('reports conflicts: two objects with one marker, or another anchor already there', () => {
    expect(run([ad('d1', A), ad('d2', A)], [cloud(A)]).map((g) => g.action)).toEqual(['conflictDuplicate', 'conflictDuplicate']);
    expect(run([ad('e', A, { anchor: `Group_${B}` })], [cloud(A)])[0].action).toBe('conflictAnchoredElsewhere');
  });
});

describe('planConfigChanges', () => {
  const config = (mappings: unknown[] = [], managed?: string[]) =>
    ({ target: { container: 'OU=Cloud,DC=x', ...(managed ? { managedContainers: managed } : {}) }, mappings }) as unknown as ResolvedConfig;
  const groups = (formats: string[]) => formats.map((f, i) => ({ eligible: true, cnFormat: f }) as never);

  it('adds the OU to managedContainers once, not when it is already covered', () => {
    expect(planConfigChanges(config(), OU, groups(['displayName']), false).changes.map((c) => c.key)).toEqual(['target.managedContainers']);
    expect(planConfigChanges(config([], [OU]), OU, groups(['displayName']), false).changes).toEqual([]);
    expect(planConfigChanges(config(), 'OU=Sub,OU=Cloud,DC=x', groups(['objectId']), false).changes).toEqual([]);
  });
  it('keeps Connect CNs: Always for Group_<id> only, create-only for mixed formats, nothing for display-name CNs', () => {
    const cn = (formats: string[]) => planConfigChanges(config(), OU, groups(formats), true).changes.find((c) => c.key === 'mappings')?.after;
    expect(cn(['objectId'])).toEqual([{ target: 'cn', type: 'Expression', source: 'Append("Group_",[objectId])' }]);
    expect(cn(['objectId', 'displayName'])).toEqual([{ target: 'cn', type: 'Expression', source: 'Append("Group_",[objectId])', apply: 'OnCreateOnly' }]);
    expect(cn(['displayName'])).toBeUndefined();
    const custom = planConfigChanges(config([{ target: 'cn', type: 'Direct', source: 'mailNickname' }]), OU, groups(['objectId']), true);
    expect(custom.changes.some((c) => c.key === 'mappings')).toBe(false);
    expect(custom.cnNote).toMatch(/own cn mapping/);
  });
});

describe('migration journal', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  it('keeps a stamp in force from its intent on (a kill may land after the write), until undone; a torn line is ignored', () => {
    dir = mkdtempSync(join(tmpdir(), 'gwb-journal-'));
    const j = new MigrationJournal(join(dir, 'j.jsonl'));
    j.append({ runId: 'r1', op: 'stamp', dn: 'CN=a', objectGuid: 'GA', before: null, after: 'Group_a' });
    j.append({ runId: 'r1', op: 'stamp', dn: 'CN=b', objectGuid: 'gb', before: null, after: 'Group_b' });
    j.append({ runId: 'r1', op: 'stamped', dn: 'CN=b', objectGuid: 'gb', before: null, after: 'Group_b' });
    j.append({ runId: 'r1', op: 'config', key: 'target.managedContainers', before: null, after: [OU] });
    j.append({ runId: 'r2', op: 'config', key: 'target.managedContainers', before: [OU], after: [OU, 'OU=2'] });
    appendFileSync(j.path, '{"runId":"r2","op":"st');
    expect([...stampsInForce(j.read()).keys()].sort()).toEqual(['ga', 'gb']);
    expect(configChangesInForce(j.read()).get('target.managedContainers')).toMatchObject({ before: null, after: [OU, 'OU=2'] });
    j.append({ runId: 'r3', op: 'unstamp', dn: 'CN=a', objectGuid: 'ga', before: 'Group_a', after: null });
    expect([...stampsInForce(j.read()).keys()]).toEqual(['gb']);
  });
});

describe('in-place containers (target.managedContainers)', () => {
  it('never moves a group found there into the target container; a rename still applies', () => {
    const mapper = createMapper({ target: { container: 'OU=Cloud,DC=x' }, mappings: [] } as unknown as ResolvedConfig);
    const desired = mapper.map(cloud(A, { displayName: 'Sales' }));
    expect(moveFor(desired, `CN=Sales_${A.slice(-12)},${OU}`)).toMatchObject({ moved: true });
    expect(moveFor(desired, `CN=Sales_${A.slice(-12)},${OU}`, { inPlaceContainers: [OU] })).toBeUndefined();
    expect(moveFor(desired, `CN=Group_${A},OU=Sub,${OU}`, { inPlaceContainers: [OU] })).toMatchObject({ rename: true, moved: false, toDn: `CN=Sales_${A.slice(-12)},OU=Sub,${OU}` });
  });
});
