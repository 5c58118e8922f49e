/**
 * Scope: which cloud groups are provisioned. The base clause (security-enabled, not mail-enabled, not synced
 * from AD, not a Microsoft 365 group) is ANDed before the configured scope: selected group ids, or all security
 * groups, narrowed by attribute filters (clauses ANDed within a filter, filters ORed). Every group gets a reason.
 */
import type { ScopeReasonCode } from './types';
import type { CloudGroup } from '../model/cloud';
import type { ResolvedConfig, ScopeClause, ScopeFilter } from '../config/types';
import type { ScopeDecision } from './types';

type ScopeConfig = ResolvedConfig['scope'];

/** Property aliases used in Microsoft's scoping docs. */
const ALIASES: Record<string, string> = { objectid: 'id', dirsyncenabled: 'onPremisesSyncEnabled' };

/** Value of a group property for filters: known fields, then `extra`, names matched case-insensitively. */
export function groupProperty(group: CloudGroup, attribute: string): unknown {
  const name = ALIASES[attribute.toLowerCase()] ?? attribute;
  const g = group as unknown as Record<string, unknown>;
  if (name in g && name !== 'extra' && name !== 'members') return g[name];
  if (group.extra && name in group.extra) return group.extra[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(g)) if (k.toLowerCase() === lower && k !== 'extra' && k !== 'members') return g[k];
  for (const k of Object.keys(group.extra ?? {})) if (k.toLowerCase() === lower) return group.extra![k];
  return undefined;
}

/**
 * Why a synced group is out of scope. For a group this job managed it means the source of authority went back to
 * AD (onPremisesSyncBehavior.isCloudManaged = false): the AD object is AD's again and is never touched (lifecycle.ts).
 */
export const SYNCED_FROM_AD = 'synced from AD (its source of authority is on-premises)';

/** The base clause: why a group can never be provisioned, or null when it can. */
export function baseExclusion(group: CloudGroup): string | null {
  return exclusionOf(group)?.reason ?? null;
}

/** Why a group is never provisioned, as a short code (for tables) and the reason (for reading). */
function exclusionOf(group: CloudGroup): { code: ScopeReasonCode; reason: string } | null {
  if ((group.groupTypes ?? []).some((t) => t.toLowerCase() === 'unified')) return { code: 'Microsoft365', reason: 'Microsoft 365 group (only security groups are provisioned)' };
  if (group.mailEnabled === true) return { code: 'MailEnabled', reason: 'mail-enabled (mail-enabled security groups and distribution lists are not provisioned)' };
  if (group.securityEnabled !== true) return { code: 'NotSecurity', reason: 'not security-enabled' };
  if (group.onPremisesSyncEnabled === true) return { code: 'SyncedFromAD', reason: SYNCED_FROM_AD };
  return null;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    r = new RegExp(pattern);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, r);
  }
  return r;
}

function values(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}
function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
function asInteger(v: unknown): number | null {
  const t = asText(v);
  if (t === null || !/^\s*-?\d+\s*$/.test(t)) return null;
  return Number.parseInt(t, 10);
}
function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}
function isFalse(v: unknown): boolean {
  return v === false || (typeof v === 'string' && v.toLowerCase() === 'false');
}

/** Evaluate one clause against a group. */
export function evaluateClause(group: CloudGroup, clause: ScopeClause): boolean {
  const v = groupProperty(group, clause.attribute);
  const want = clause.value === undefined ? '' : String(clause.value);
  switch (clause.operator) {
    case 'EQUALS':
      return !isEmpty(v) && values(v).some((x) => asText(x) === want);
    case 'NOT EQUALS':
      return isEmpty(v) || !values(v).some((x) => asText(x) === want);
    case 'REGEX MATCH':
      return !isEmpty(v) && values(v).some((x) => asText(x) !== null && regex(want).test(asText(x)!));
    case 'NOT REGEX MATCH':
      // Documented: FALSE when the value is null or empty.
      return !isEmpty(v) && !values(v).some((x) => asText(x) !== null && regex(want).test(asText(x)!));
    case 'IS TRUE':
      return values(v).some(isTrue);
    case 'IS FALSE':
      return values(v).some(isFalse);
    case 'IS NULL':
      return isEmpty(v);
    case 'IS NOT NULL':
      return !isEmpty(v);
    case 'GREATER_THAN':
    case 'GREATER_THAN_OR_EQUALS': {
      const limit = asInteger(want);
      if (limit === null) return false;
      return values(v).some((x) => {
        const n = asInteger(x);
        return n !== null && (clause.operator === 'GREATER_THAN' ? n > limit : n >= limit);
      });
    }
  }
}

export function describeClause(c: ScopeClause): string {
  return c.value === undefined ? `${c.attribute} ${c.operator}` : `${c.attribute} ${c.operator} ${JSON.stringify(c.value)}`;
}

/** Index of the first filter all of whose clauses hold, or -1; with the first failing clause per filter. */
export function evaluateFilters(group: CloudGroup, filters: ScopeFilter[]): { matched: number; failures: string[] } {
  const failures: string[] = [];
  for (let i = 0; i < filters.length; i++) {
    const failing = filters[i].find((c) => !evaluateClause(group, c));
    if (!failing) return { matched: i, failures };
    failures.push(`filter ${i + 1}: ${describeClause(failing)} is false`);
  }
  return { matched: -1, failures };
}

/** Decide the scope of one group. */
export function scopeGroup(group: CloudGroup, scope: ScopeConfig): ScopeDecision {
  const base = { groupId: group.id, displayName: group.displayName };
  const excluded = exclusionOf(group);
  if (excluded) return { ...base, inScope: false, reasonCode: excluded.code, reason: excluded.reason };
  let why: string;
  let code: ScopeReasonCode;
  if (scope.mode === 'selected') {
    if (!scope.groupIds.includes(group.id.toLowerCase())) return { ...base, inScope: false, reasonCode: 'NotSelected', reason: 'not selected (not in config.scope.groupIds)' };
    why = 'selected';
    code = 'Selected';
  } else {
    why = 'all security groups';
    code = 'AllSecurity';
  }
  if (scope.filters.length === 0) return { ...base, inScope: true, reasonCode: code, reason: why };
  const { matched, failures } = evaluateFilters(group, scope.filters);
  if (matched < 0) return { ...base, inScope: false, reasonCode: 'NoFilterMatch', reason: `no scoping filter matched (${failures.join('; ')})` };
  return { ...base, inScope: true, reasonCode: 'FilterMatched', reason: `${why}, scoping filter ${matched + 1} matched`, matchedFilter: matched + 1 };
}
