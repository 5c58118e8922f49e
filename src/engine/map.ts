/**
 * Map: a cloud group → the AD object it should be (DesiredGroup), through the mapping layer (src/mapping:
 * default mappings of spec §4 merged with the config's rules, compiled once per cycle). The engine adds what it
 * owns: the DN (CN=<escaped cn>,<parentDistinguishedName>, escaped by the directory layer) and, on create, the
 * universal security groupType.
 */
import type { CloudGroup } from '../model/cloud';
import { GwbError } from '../core/errors';
import { cnDn, parseDn } from '../directory/dn';
import { anchorOf, type DesiredGroup } from './types';

/** What a compiled mapping set returns for one group (the mapping layer's MappedGroup). */
export interface MappedGroupLike {
  attributes: Record<string, unknown>;
  cn: string | null | undefined;
  parentDistinguishedName: string | null | undefined;
  onCreateOnly?: Iterable<string>;
  dropped?: Iterable<string>;
}

/** Maps one group; throws (a MappingError/EvaluationError) when an expression fails for it. */
export interface GroupMapper {
  map(group: CloudGroup): DesiredGroup;
  /** AD attributes the mappings write (to be read back for comparison). */
  readonly targetAttributes: string[];
}

/** Pseudo-targets that are not AD attributes, and attributes the engine owns. */
const NOT_ATTRIBUTES = new Set(['cn', 'member', 'members', 'parentdistinguishedname', 'objectguid', 'issecuritygroup', 'universalscope', 'grouptype', 'objectclass']);

/** The properties a mapping expression sees for a group: Graph names plus `objectId`, and extensions. */
export function sourceProperties(group: CloudGroup): Record<string, unknown> {
  const { members: _m, extra, ...rest } = group;
  return { ...(extra ?? {}), ...rest, objectId: group.id };
}

function toValue(v: unknown): string | string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    const vals = v.filter((x) => x !== null && x !== undefined).map((x) => toScalar(x));
    return vals.length === 0 ? null : vals.length === 1 ? vals[0] : vals;
  }
  return toScalar(v);
}
function toScalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export class MappingOutputError extends GwbError {
  constructor(message: string, groupId: string, hint: string) {
    super(message, { code: 'MappingOutputInvalid', category: 'InvalidData', target: groupId, hint });
  }
}

/**
 * A character no directory stores in a string value: NUL (LDAP servers cut the value there — Samba then sees
 * every such name as the same, AD refuses it) or half of a surrogate pair (not encodable as UTF-8).
 */
export function unstorableCharacter(s: string): string | undefined {
  const m = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(s);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  return `${code === 0 ? 'NUL' : 'an unpaired surrogate'} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${m.index + 1}`;
}

function refuseUnstorable(group: CloudGroup, attribute: string, value: unknown): void {
  for (const v of ([] as unknown[]).concat(value)) {
    const bad = typeof v === 'string' ? unstorableCharacter(v) : undefined;
    if (bad) {
      throw new MappingOutputError(
        `The ${attribute} of group ${group.id} (${JSON.stringify(group.displayName)}) contains ${bad}, which AD cannot store: the group is not provisioned.`,
        group.id,
        `Remove the character from the group's ${attribute === 'cn' ? 'displayName' : attribute} in Entra ID, or map ${attribute} with an expression that drops it (e.g. Replace).`,
      );
    }
  }
}

/** Turn the mapping layer's output into a DesiredGroup (validating cn, parent DN and every value). */
export function desiredFromMapped(group: CloudGroup, mapped: MappedGroupLike): DesiredGroup {
  const cn = mapped.cn ?? '';
  refuseUnstorable(group, 'cn', cn);
  if (!cn.trim()) {
    throw new MappingOutputError(`The cn mapping gave an empty value for group ${group.id}.`, group.id, 'Fix the cn mapping (it must give a non-empty name of at most 64 characters).');
  }
  if (cn.length > 64) {
    throw new MappingOutputError(`The cn mapping gave ${cn.length} characters for group ${group.id} (AD allows 64).`, group.id, 'Shorten the cn mapping, e.g. with Left(…, 51).');
  }
  const parent = mapped.parentDistinguishedName ?? '';
  try {
    if (!parent.trim() || parseDn(parent).length === 0) throw new Error('empty');
  } catch {
    throw new MappingOutputError(`The parentDistinguishedName mapping gave an invalid DN ${JSON.stringify(parent)} for group ${group.id}.`, group.id, 'Fix target.container or the parentDistinguishedName mapping: it must give the DN of an existing OU.');
  }
  const attributes: Record<string, string | string[] | null> = {};
  for (const [k, v] of Object.entries(mapped.attributes)) {
    if (NOT_ATTRIBUTES.has(k.toLowerCase())) continue;
    attributes[k] = toValue(v);
    refuseUnstorable(group, k, attributes[k]);
  }
  return {
    groupId: group.id,
    displayName: group.displayName,
    anchor: anchorOf(group.id),
    cn,
    parentDn: parent,
    dn: cnDn(cn, parent),
    attributes,
    onCreateOnly: [...(mapped.onCreateOnly ?? [])],
    dropped: [...(mapped.dropped ?? [])],
  };
}
