/**
 * Which `$filter` clauses Graph accepts for directory objects in default mode, which only in advanced mode
 * (`ConsistencyLevel: eventual` + `$count=true`), and which never (→ the errors of contract §3).
 */
import { advancedRequired, badRequest, unsupportedFilterProperty, unsupportedQuery } from '../errors';
import { canonicalProperty } from '../properties';
import type { ObjectKind } from '../types';
import type { FilterNode, Operand } from './filter-parser';

interface Rules { basic: Set<string>; advanced: Set<string> }

const RULES: Record<ObjectKind, Rules> = {
  group: {
    basic: new Set(['id', 'displayName', 'mailNickname', 'mail', 'mailEnabled', 'securityEnabled', 'onPremisesSyncEnabled',
      'isAssignableToRole', 'groupTypes', 'proxyAddresses', 'onPremisesSecurityIdentifier', 'securityIdentifier',
      'expirationDateTime', 'resourceProvisioningOptions', 'hasMembersWithLicenseErrors', 'classification', 'visibility']),
    advanced: new Set(['description', 'onPremisesSamAccountName', 'createdDateTime', 'membershipRule',
      'membershipRuleProcessingState', 'isManagementRestricted', 'preferredLanguage', 'theme', 'uniqueName',
      'onPremisesProvisioningErrors', 'assignedLicenses', 'renewedDateTime', 'deletedDateTime']),
  },
  user: {
    basic: new Set(['id', 'displayName', 'userPrincipalName', 'mail', 'mailNickname', 'givenName', 'surname',
      'accountEnabled', 'userType', 'jobTitle', 'department', 'employeeId', 'onPremisesImmutableId',
      'onPremisesSyncEnabled', 'onPremisesSecurityIdentifier', 'otherMails', 'proxyAddresses', 'usageLocation',
      'country', 'city', 'companyName', 'creationType', 'preferredLanguage', 'onPremisesExtensionAttributes', 'createdDateTime']),
    advanced: new Set(['onPremisesSamAccountName', 'onPremisesUserPrincipalName', 'officeLocation', 'mobilePhone',
      'businessPhones', 'employeeType', 'securityIdentifier', 'onPremisesDomainName', 'deletedDateTime']),
  },
};

const RESOURCE: Record<ObjectKind, string> = { group: 'Group', user: 'User' };

/** Throws the Graph error a real tenant would return; otherwise returns the properties the filter uses. */
export function checkFilter(node: FilterNode, kind: ObjectKind, advanced: boolean): string[] {
  const used: string[] = [];
  const rules = RULES[kind];
  const needAdvanced = (op: string) => { if (!advanced) throw advancedRequired(op); };

  function prop(op: Operand, vars: string[]): string | undefined {
    if (op.t !== 'prop') return undefined;
    if (vars.includes(op.path[0])) return undefined;
    const name = canonicalProperty(kind, op.path[0]);
    if (!name) throw badRequest(`Could not find a property named '${op.path[0]}' on type 'microsoft.graph.${kind}'.`);
    if (rules.advanced.has(name) || name.startsWith('extension_')) {
      if (!advanced) throw unsupportedFilterProperty(name, RESOURCE[kind]);
    } else if (!rules.basic.has(name)) {
      throw unsupportedFilterProperty(name, RESOURCE[kind]);
    }
    used.push(name);
    return name;
  }

  function walk(n: FilterNode, vars: string[]): void {
    switch (n.t) {
      case 'and': case 'or': walk(n.l, vars); walk(n.r, vars); return;
      case 'not': needAdvanced('not'); walk(n.e, vars); return;
      case 'cmp': {
        prop(n.l, vars);
        prop(n.r, vars);
        const nullCmp = (n.r.t === 'lit' && n.r.v === null) || (n.l.t === 'lit' && n.l.v === null);
        if (n.op === 'ne') needAdvanced('ne');
        else if (n.op !== 'eq') needAdvanced(n.op);
        if (nullCmp) needAdvanced(n.op);
        return;
      }
      case 'in': prop(n.l, vars); return;
      case 'fn':
        if (n.name === 'contains') throw unsupportedQuery("Operator 'contains' is not supported.");
        prop(n.prop, vars);
        if (n.name === 'endswith') needAdvanced('endsWith');
        return;
      case 'lambda': {
        prop({ t: 'prop', path: n.path }, vars);
        walk(n.body, [...vars, n.v]);
      }
    }
  }

  walk(node, []);
  return used;
}

/** Delta supports only `id eq '…'` joined by `or` (at most 50). Returns the ids. */
export function deltaIdFilter(node: FilterNode): string[] {
  const ids: string[] = [];
  const walk = (n: FilterNode) => {
    if (n.t === 'or') { walk(n.l); walk(n.r); return; }
    if (n.t === 'cmp' && n.op === 'eq' && n.l.t === 'prop' && n.l.path.length === 1 && n.l.path[0].toLowerCase() === 'id'
      && n.r.t === 'lit' && typeof n.r.v === 'string') { ids.push(n.r.v.toLowerCase()); return; }
    throw unsupportedQuery("Delta query only supports filtering on 'id' with 'eq', combined with 'or'.");
  };
  walk(node);
  if (ids.length > 50) throw unsupportedQuery('Delta query supports at most 50 id filters.');
  return ids;
}
