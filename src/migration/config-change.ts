/**
 * The job configuration a migration needs (decided here, written by the migrate-apply operation, journaled):
 *  - target.managedContainers += the Connect OU (when it is not already below target.container): the job manages
 *    the adopted groups where they are and never moves them into its target container;
 *  - with keepCnFormat, the `cn` mapping that keeps Connect's names, so no adopted group is renamed:
 *    all Group_<objectId> → `Append("Group_",[objectId])` (Always, as Microsoft's migration doc says); both formats
 *    → the same expression, written only on create (existing groups keep whichever CN they have);
 *    all <displayName>_<last 12> → nothing to change (that is the default cn mapping).
 */
import type { ResolvedConfig } from '../config/types';
import { isDescendantOf, dnEquals } from '../directory/dn';
import type { MappingRule } from '../mapping';
import { ANCHOR_EXPRESSION, DEFAULT_CN_EXPRESSION } from '../mapping/rules';
import type { MigrationGroup } from './classify';

export interface ConfigChange {
  key: string;
  before: unknown;
  after: unknown;
  reason: string;
}

export interface PlannedConfig {
  changes: ConfigChange[];
  /** What happens to CNs on the first cycle (said to the admin whether or not anything changes). */
  cnNote: string;
}

function sameRule(a: unknown, b: MappingRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function planConfigChanges(config: ResolvedConfig, searchBase: string, groups: readonly MigrationGroup[], keepCnFormat: boolean): PlannedConfig {
  const changes: ConfigChange[] = [];
  const managed = config.target.managedContainers ?? [];
  const container = config.target.container;
  const covered = dnEquals(searchBase, container) || isDescendantOf(searchBase, container) || managed.some((m) => dnEquals(searchBase, m) || isDescendantOf(searchBase, m));
  if (!covered) {
    changes.push({
      key: 'target.managedContainers',
      before: managed.length ? managed : undefined,
      after: [...managed, searchBase],
      reason: `adopted groups stay in ${searchBase}: the job manages them there and never moves them into ${container}`,
    });
  }

  const eligible = groups.filter((g) => g.eligible);
  const byObjectId = eligible.filter((g) => g.cnFormat === 'objectId').length;
  const byName = eligible.filter((g) => g.cnFormat === 'displayName').length;
  const other = eligible.length - byObjectId - byName;
  const mappings = (config.mappings ?? []) as MappingRule[];
  const cnIndex = mappings.findIndex((r) => typeof r?.target === 'string' && r.target.toLowerCase() === 'cn');
  const customCn = cnIndex >= 0 && !(mappings[cnIndex].type === 'Expression' && mappings[cnIndex].source === DEFAULT_CN_EXPRESSION);
  let cnNote: string;
  if (eligible.length === 0) cnNote = 'no eligible group: CN mapping unchanged';
  else if (!keepCnFormat) {
    cnNote = byObjectId + other > 0
      ? `${byObjectId + other} adopted group(s) will be renamed to <displayName>_<last 12 of objectId> by the first cycle (same objectGUID and SID); use -KeepCnFormat to keep Connect's names`
      : "the adopted groups already use the default CN format: none is renamed";
  } else if (customCn) {
    cnNote = 'the configuration has its own cn mapping: left as it is (check that it yields the current CNs, or groups are renamed)';
  } else if (byObjectId === 0 && other === 0) {
    cnNote = 'the adopted groups use <displayName>_<last 12 of objectId>, which is the default cn mapping: nothing to change';
  } else {
    const rule: MappingRule = byName === 0 && other === 0
      ? { target: 'cn', type: 'Expression', source: ANCHOR_EXPRESSION }
      : { target: 'cn', type: 'Expression', source: ANCHOR_EXPRESSION, apply: 'OnCreateOnly' };
    const after = cnIndex >= 0 ? mappings.map((r, i) => (i === cnIndex ? rule : r)) : [...mappings, rule];
    if (!(cnIndex >= 0 && sameRule(mappings[cnIndex], rule))) {
      changes.push({
        key: 'mappings',
        before: mappings.length ? mappings : undefined,
        after,
        reason: rule.apply === 'OnCreateOnly'
          ? `the adopted groups use both CN formats (${byObjectId} Group_<objectId>, ${byName} <displayName>_<id>${other ? `, ${other} other` : ''}): cn = Append("Group_",[objectId]) only on create, so no existing group is renamed`
          : 'the adopted groups use Connect\'s default CN Group_<objectId>: cn = Append("Group_",[objectId]) keeps them (and names new groups the same way)',
      });
    }
    cnNote = changes.some((c) => c.key === 'mappings') ? changes.find((c) => c.key === 'mappings')!.reason : 'the cn mapping already keeps Connect\'s names';
  }
  return { changes, cnNote };
}
