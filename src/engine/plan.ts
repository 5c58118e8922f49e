/**
 * Plan: PURE functions from desired vs actual to actions. No I/O: the same inputs always give the same plan,
 * which can be printed (`gwb plan`, -WhatIf), checked (`verify`) or applied.
 */
import type { AdGroup } from '../model/directory';
import { cnDn, formatDn, isDescendantOf, normalizeDn, parseDn } from '../directory/dn';
import { adAttribute, isUniversal, type MatchResult } from './match';
import {
  GROUP_TYPE_UNIVERSAL_SECURITY,
  type CreateAction,
  type DesiredGroup,
  type GroupObjectPlan,
  type ModifiedProperty,
  type MoveAction,
} from './types';

type Value = string | string[] | null;

/** Canonical value: null for absent/empty, a string for one value, a sorted array for several. */
export function canonicalValue(v: string | string[] | null | undefined): Value {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    const vals = v.filter((x) => x !== '');
    if (vals.length === 0) return null;
    if (vals.length === 1) return vals[0];
    return [...vals].sort();
  }
  return v === '' ? null : v;
}

export function valuesEqual(a: string | string[] | null | undefined, b: string | string[] | null | undefined): boolean {
  const x = canonicalValue(a);
  const y = canonicalValue(b);
  if (x === null || y === null) return x === y;
  if (typeof x === 'string' || typeof y === 'string') return x === y;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Attributes never diffed as plain attributes (they are the DN, the membership or engine-owned). */
const NOT_DIFFED = new Set(['cn', 'name', 'distinguishedname', 'member', 'objectclass', 'objectguid', 'objectsid', 'parentdistinguishedname', 'grouptype']);

/** Split a DN into its first RDN value and its (normalized) parent. */
function splitDn(dn: string): { cn: string; parentKey: string } {
  const rdns = parseDn(dn);
  return { cn: rdns[0]?.[0]?.value ?? '', parentKey: normalizeDn(formatDn(rdns.slice(1))) };
}

/** Attributes of a new group: everything mapped that has a value, plus the universal security groupType. */
export function createAttributes(desired: DesiredGroup): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(desired.attributes)) {
    if (NOT_DIFFED.has(k.toLowerCase())) continue;
    const c = canonicalValue(v);
    if (c !== null) out[k] = c;
  }
  out.groupType = GROUP_TYPE_UNIVERSAL_SECURITY;
  return out;
}

/** Attribute changes (old → new) that make `actual` carry the desired values. */
export function attributeChanges(desired: DesiredGroup, actual: AdGroup): ModifiedProperty[] {
  const changes: ModifiedProperty[] = [];
  const skip = new Set([...desired.onCreateOnly, ...desired.dropped].map((a) => a.toLowerCase()));
  for (const [name, want] of Object.entries(desired.attributes)) {
    const lower = name.toLowerCase();
    if (NOT_DIFFED.has(lower) || skip.has(lower)) continue;
    const have = adAttribute(actual, name);
    if (!valuesEqual(want, have)) changes.push({ attribute: name, old: canonicalValue(have), new: canonicalValue(want) });
  }
  const gt = adAttribute(actual, 'groupType');
  if (gt !== undefined && !valuesEqual(gt, GROUP_TYPE_UNIVERSAL_SECURITY) && isUniversal(actual) !== false) {
    changes.push({ attribute: 'groupType', old: canonicalValue(gt), new: GROUP_TYPE_UNIVERSAL_SECURITY });
  }
  return changes;
}

export interface ObjectPlanOptions {
  /**
   * target.managedContainers: OUs where anchored groups are managed in place (e.g. Entra Connect's writeback OU
   * after a migration). A group found there is never moved into the target container; a rename still applies.
   */
  inPlaceContainers?: readonly string[];
}

/** Rename/move needed to bring `actualDn` to `desired.dn`, or undefined. cn compares case-sensitively. */
export function moveFor(desired: DesiredGroup, actualDn: string, options: ObjectPlanOptions = {}): MoveAction | undefined {
  const have = splitDn(actualDn);
  const want = splitDn(desired.dn);
  const createOnly = new Set(desired.onCreateOnly.map((a) => a.toLowerCase()));
  const rename = !createOnly.has('cn') && have.cn.normalize('NFC') !== want.cn.normalize('NFC');
  const inPlace = (options.inPlaceContainers ?? []).some((c) => isDescendantOf(actualDn, c));
  const moved = !inPlace && !createOnly.has('parentdistinguishedname') && have.parentKey !== want.parentKey;
  if (!rename && !moved) return undefined;
  const rdns = parseDn(actualDn);
  const toDn = cnDn(rename ? desired.cn : have.cn, moved ? desired.parentDn : formatDn(rdns.slice(1)));
  return { kind: 'move', groupId: desired.groupId, displayName: desired.displayName, fromDn: actualDn, toDn, rename, moved };
}

/** The object plan of one in-scope group. */
export function planGroupObject(desired: DesiredGroup, match: MatchResult, options: ObjectPlanOptions = {}): GroupObjectPlan {
  if (match.error) return { error: match.error };
  const base = { groupId: desired.groupId, displayName: desired.displayName };
  if (!match.actual) {
    const create: CreateAction = { kind: 'create', ...base, dn: desired.dn, attributes: createAttributes(desired) };
    return { create };
  }
  const plan: GroupObjectPlan = {};
  const move = moveFor(desired, match.actual.dn, options);
  if (move) plan.move = move;
  const changes = attributeChanges(desired, match.actual);
  if (changes.length) {
    plan.update = { kind: 'update', ...base, dn: move ? move.toDn : match.actual.dn, changes };
    if (match.method === 'sid') plan.update.matchedBy = 'sid';
  }
  return plan;
}

export interface MemberDiffOptions {
  /** Keep AD members the engine did not write (membership.keepUnmanagedMembers). */
  keepUnmanaged?: boolean;
  /** Normalized DNs of members this engine wrote before (only consulted with keepUnmanaged). */
  written?: ReadonlySet<string>;
}

/**
 * Member adds/removes turning `actual` into `desired` (DN comparison is case- and escaping-insensitive).
 * Adds use the desired DN text, removes the DN text AD returned.
 */
export function diffMembers(desired: readonly string[], actual: readonly string[], options: MemberDiffOptions = {}): { add: string[]; remove: string[] } {
  const want = new Map<string, string>();
  for (const dn of desired) {
    const k = normalizeDn(dn);
    if (!want.has(k)) want.set(k, dn);
  }
  const have = new Map<string, string>();
  for (const dn of actual) {
    const k = normalizeDn(dn);
    if (!have.has(k)) have.set(k, dn);
  }
  const add: string[] = [];
  for (const [k, dn] of want) if (!have.has(k)) add.push(dn);
  const remove: string[] = [];
  for (const [k, dn] of have) {
    if (want.has(k)) continue;
    if (options.keepUnmanaged && !options.written?.has(k)) continue;
    remove.push(dn);
  }
  return { add, remove };
}
