/**
 * Mapping rules as they appear in the configuration, the defaults of spec §4 written in the expression language,
 * and how admin overrides merge into them.
 */
import { ConfigError } from '../core/errors';

export type MappingType = 'Direct' | 'Constant' | 'Expression' | 'None';
export type MappingApply = 'Always' | 'OnCreateOnly';

export interface MappingRule {
  /** AD attribute, or the pseudo-attribute 'parentDistinguishedName' (the OU the group is created in). */
  target: string;
  /** Direct: copy a source attribute; Constant: a fixed string; Expression: an expression; None: leave the target unmodified. */
  type: MappingType;
  /** Attribute name (Direct), value (Constant) or expression text (Expression). */
  source?: string;
  /** Default Always. OnCreateOnly: written when the group is created, never updated. */
  apply?: MappingApply;
  /** Used when the source evaluates to null (or empty). */
  defaultValue?: string;
}

export const DEFAULT_CN_EXPRESSION = 'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))';
export const ANCHOR_EXPRESSION = 'Append("Group_",[objectId])';

/** The fixed default group mappings of Cloud Sync (spec §4). `member` and `groupType` are the engine's. */
export function defaultMappings(opts: { targetContainer: string }): MappingRule[] {
  return [
    { target: 'adminDescription', type: 'Expression', source: ANCHOR_EXPRESSION },
    { target: 'cn', type: 'Expression', source: DEFAULT_CN_EXPRESSION },
    { target: 'description', type: 'Expression', source: 'Left(Trim([description]),448)' },
    { target: 'displayName', type: 'Direct', source: 'displayName' },
    { target: 'msDS-ExternalDirectoryObjectId', type: 'Expression', source: ANCHOR_EXPRESSION },
    { target: 'parentDistinguishedName', type: 'Constant', source: opts.targetContainer },
  ];
}

/**
 * Rows Microsoft marks as service-managed ("must not be changed"): msDS-ExternalDirectoryObjectId is the join
 * anchor, adminDescription lets AD→Entra sync skip written-back groups. Overriding them would break matching.
 */
export const SERVICE_MANAGED_TARGETS: readonly string[] = ['msDS-ExternalDirectoryObjectId', 'adminDescription'];

/** Attributes the engine owns (or AD computes); mappings may not target them. */
export const ENGINE_MANAGED_TARGETS: Readonly<Record<string, string>> = {
  member: 'Memberships are written by the engine from the group members in scope.',
  grouptype: 'Groups are always written as Universal security groups (groupType 0x80000008).',
  issecuritygroup: 'Groups are always security groups; this Cloud Sync constant needs no mapping.',
  universalscope: 'Groups are always Universal; this Cloud Sync constant needs no mapping.',
  objectguid: 'objectGUID is assigned by AD and is read-only.',
  objectsid: 'objectSid is assigned by AD and is read-only.',
  objectclass: 'objectClass is always group.',
  distinguishedname: 'The DN is built from cn and parentDistinguishedName; map those instead.',
  name: 'name is the RDN value; map cn instead.',
};

const sameTarget = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Overrides replace defaults with the same target (case-insensitive); new targets are appended in their order. */
export function mergeMappings(defaults: MappingRule[], overrides: MappingRule[]): MappingRule[] {
  if (!Array.isArray(overrides)) throw new ConfigError('The mappings setting must be a list of mapping rules.', { code: 'InvalidMappings', target: 'mappings', hint: 'Write "mappings": [ { "target": "…", "type": "Expression", "source": "…" } ].' });
  const seen = new Set<string>();
  overrides.forEach((o, i) => {
    const t = typeof o?.target === 'string' ? o.target : '';
    if (!t) return; // shape errors are reported by compileMappings, with the rule's position
    if (seen.has(t.toLowerCase())) throw new ConfigError(`Two mappings target '${t}'.`, { code: 'DuplicateMapping', target: `mappings[${i}]`, hint: 'Keep one mapping per target attribute.' });
    seen.add(t.toLowerCase());
    const managed = SERVICE_MANAGED_TARGETS.find((m) => sameTarget(m, t));
    if (managed) {
      throw new ConfigError(`The mapping for '${managed}' is managed by the service and cannot be changed.`, {
        code: 'ServiceManagedMapping',
        target: `mappings[${i}]`,
        hint: managed === 'msDS-ExternalDirectoryObjectId' ? 'It is the join anchor (Group_<objectId>); changing it would orphan every written group.' : 'It marks written-back groups (Group_<objectId>) so that AD→Entra sync skips them.',
      });
    }
  });
  const merged = defaults.map((d) => overrides.find((o) => typeof o?.target === 'string' && sameTarget(o.target, d.target)) ?? d);
  for (const o of overrides) {
    if (typeof o?.target !== 'string' || !defaults.some((d) => sameTarget(d.target, o.target))) merged.push(o);
  }
  return merged;
}

/** JSON Schema of one mapping rule (for the configuration schema). */
export const mappingRuleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['target', 'type'],
  properties: {
    target: { type: 'string', minLength: 1, description: "AD attribute, or 'parentDistinguishedName' for the target OU." },
    type: { enum: ['Direct', 'Constant', 'Expression', 'None'] },
    source: { type: 'string', description: 'Attribute name (Direct), value (Constant) or expression (Expression).' },
    apply: { enum: ['Always', 'OnCreateOnly'], default: 'Always' },
    defaultValue: { type: 'string', description: 'Used when the source evaluates to null.' },
  },
} as const;
