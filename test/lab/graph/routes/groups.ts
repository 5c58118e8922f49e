/** /groups: list (OData), get, create, update, soft delete — Graph v1.0 shapes (contract §1, §3). */
import { badRequest, notFound } from '../errors';
import { json, noContent, type GraphRequest } from '../http-types';
import { countCollection, listCollection, type ListItem } from '../odata/listing';
import { odataType, parseSelect, project } from '../properties';
import type { Route } from '../router';
import type { TenantStore } from '../store';
import type { GraphGroup } from '../types';
import { bodyObject, entityContext, requireGuid, resolveBinds, writableProps } from './common';

const items = (store: TenantStore): ListItem[] => store.listGroups().map((obj) => ({ kind: 'group', obj }));

/**
 * `$expand=members` and `$expand=members($select=id,displayName)` (the group resource page's own example): at most
 * 20 members, each with its `@odata.type`; nested `$select` names apply to users and groups alike.
 */
function expandMembers(store: TenantStore) {
  return (item: ListItem, what: string) => {
    const select = parseMembersExpand(what);
    const members = store.membersOf(item.obj.id).slice(0, 20).map((m) => {
      const o = store.getObject(m.id)!;
      return { '@odata.type': odataType(m.kind), ...project(m.kind, o.obj, select) };
    });
    return { members };
  };
}

function parseMembersExpand(what: string): string[] | undefined {
  const m = /^\s*(\w+)\s*(?:\((.*)\))?\s*$/s.exec(what);
  if (!m || m[1].toLowerCase() !== 'members') {
    throw badRequest(`Could not find a property named '${m?.[1] ?? what.trim()}' on type 'microsoft.graph.group' to expand.`);
  }
  if (m[2] === undefined || !m[2].trim()) return undefined;
  let select: string[] | undefined;
  for (const opt of m[2].split(';')) {
    const eq = opt.indexOf('=');
    const name = (eq < 0 ? opt : opt.slice(0, eq)).trim();
    if (name.toLowerCase() !== '$select') {
      throw badRequest(`Query option '${name}' is not allowed in the expansion of 'members'. Only '$select' is supported.`);
    }
    select = parseSelect(opt.slice(eq + 1), ['user', 'group']);
  }
  return select;
}

function getGroup(store: TenantStore, id: string): GraphGroup {
  const g = store.getGroup(requireGuid(id));
  if (!g) throw notFound(id);
  return g;
}

const MAILNICK = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/;

function validateNewGroup(props: Record<string, unknown>): void {
  const invalid = (p: string) => badRequest(`Invalid value specified for property '${p}' of resource 'Group'.`);
  if (typeof props.displayName !== 'string' || !props.displayName.trim()) throw invalid('displayName');
  if (typeof props.mailEnabled !== 'boolean') throw invalid('mailEnabled');
  if (typeof props.securityEnabled !== 'boolean') throw invalid('securityEnabled');
  if (typeof props.mailNickname !== 'string' || !MAILNICK.test(props.mailNickname)) throw invalid('mailNickname');
  const types = props.groupTypes ?? [];
  if (!Array.isArray(types) || types.some((t) => t !== 'Unified' && t !== 'DynamicMembership')) throw invalid('groupTypes');
  if (props.mailEnabled && !types.includes('Unified')) {
    throw badRequest('Mail-enabled security groups and distribution groups cannot be created through Microsoft Graph.');
  }
  if (types.includes('DynamicMembership') && typeof props.membershipRule !== 'string') throw invalid('membershipRule');
  if (props.isAssignableToRole === true && props.securityEnabled !== true) throw invalid('isAssignableToRole');
  checkProcessingState(props);
}

/** Only the membership type may change (assigned ↔ dynamic, "DynamicMembership" added or removed). */
function checkGroupTypesChange(g: GraphGroup, next: unknown): void {
  const invalid = () => badRequest("Invalid value specified for property 'groupTypes' of resource 'Group'.");
  if (!Array.isArray(next) || next.some((t) => t !== 'Unified' && t !== 'DynamicMembership')) throw invalid();
  if (next.includes('Unified') !== g.groupTypes.includes('Unified')) {
    throw badRequest("Property 'groupTypes' cannot change 'Unified' for an existing group.");
  }
}

function checkProcessingState(props: Record<string, unknown>): void {
  if ('membershipRuleProcessingState' in props && props.membershipRuleProcessingState !== 'On' && props.membershipRuleProcessingState !== 'Paused') {
    throw badRequest("Invalid value specified for property 'membershipRuleProcessingState' of resource 'Group'. Supported values are 'On' and 'Paused'.");
  }
}

export function groupRoutes(): Route[] {
  return [
    {
      method: 'GET', pattern: '/groups', cost: 1, perms: ['groups.read'],
      handler: (req, _p, ctx) => listCollection({
        req, items: items(ctx.store), kinds: ['group'], context: 'groups', withType: false,
        orderable: ['displayName'], expand: expandMembers(ctx.store),
      }),
    },
    {
      method: 'GET', pattern: '/groups/$count', cost: 1, perms: ['groups.read'],
      handler: (req, _p, ctx) => countCollection(req, items(ctx.store), 'group'),
    },
    {
      method: 'GET', pattern: '/groups/{id}', cost: 1, perms: ['groups.read'],
      handler: (req, p, ctx) => {
        const g = getGroup(ctx.store, p.id);
        const select = parseSelect(req.query.get('$select'), ['group']);
        const body: Record<string, unknown> = { '@odata.context': `${entityContext(req, 'groups')}`, ...project('group', g, select) };
        const expand = req.query.get('$expand');
        if (expand !== undefined) Object.assign(body, expandMembers(ctx.store)({ kind: 'group', obj: g }, expand));
        return json(200, body);
      },
    },
    {
      method: 'POST', pattern: '/groups', cost: 1, write: true, perms: ['groups.write'],
      handler: (req: GraphRequest, _p, ctx) => {
        const { props, binds } = writableProps('group', bodyObject(req), ['id']);
        if (props.id !== undefined) throw badRequest("Property 'id' is read-only and cannot be set.");
        validateNewGroup(props);
        const members = binds.members !== undefined ? resolveBinds(ctx.store, binds.members) : [];
        if (binds.owners !== undefined) resolveBinds(ctx.store, binds.owners);
        const g = ctx.store.addGroup(props as Partial<GraphGroup>);
        for (const m of members) ctx.store.addMember(g.id, m);
        return json(201, { '@odata.context': entityContext(req, 'groups'), ...project('group', g) }, {
          Location: `https://graph.microsoft.com/v2/${ctx.tenantId}/directoryObjects/${g.id}/Microsoft.DirectoryServices.Group`,
        });
      },
    },
    {
      method: 'PATCH', pattern: '/groups/{id}', cost: 1, write: true, perms: ['groups.write'],
      handler: (req, p, ctx) => {
        const g = getGroup(ctx.store, p.id);
        const { props, binds } = writableProps('group', bodyObject(req));
        if ('displayName' in props && (typeof props.displayName !== 'string' || !props.displayName.trim())) {
          throw badRequest("Invalid value specified for property 'displayName' of resource 'Group'.");
        }
        if ('mailNickname' in props && (typeof props.mailNickname !== 'string' || !MAILNICK.test(props.mailNickname))) {
          throw badRequest("Invalid value specified for property 'mailNickname' of resource 'Group'.");
        }
        if ('groupTypes' in props) checkGroupTypesChange(g, props.groupTypes);
        checkProcessingState(props);
        const members = binds.members !== undefined ? resolveBinds(ctx.store, binds.members) : [];
        ctx.store.updateGroup(g.id, props as Partial<GraphGroup>);
        for (const m of members) ctx.store.addMember(g.id, m);
        return noContent();
      },
    },
    {
      // onPremisesSyncBehavior (Graph v1.0): GET and PATCH /groups/{id}/onPremisesSyncBehavior.
      method: 'GET', pattern: '/groups/{id}/onPremisesSyncBehavior', cost: 1, perms: ['groupSyncBehavior.read'],
      handler: (req, p, ctx) => {
        const g = getGroup(ctx.store, p.id);
        const b = ctx.store.groupSyncBehavior(g.id);
        return json(200, { '@odata.context': `${req.origin}/${req.version}/$metadata#groups('${g.id}')/onPremisesSyncBehavior/$entity`, id: b.id, isCloudManaged: b.isCloudManaged });
      },
    },
    {
      method: 'PATCH', pattern: '/groups/{id}/onPremisesSyncBehavior', cost: 1, write: true, perms: ['groupSyncBehavior.write'],
      handler: (req, p, ctx) => {
        const g = getGroup(ctx.store, p.id);
        const body = bodyObject(req);
        for (const k of Object.keys(body)) {
          if (k !== 'isCloudManaged' && k !== '@odata.type') throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`);
        }
        if (typeof body.isCloudManaged !== 'boolean') throw badRequest("Invalid value specified for property 'isCloudManaged' of resource 'OnPremisesSyncBehavior'.");
        ctx.store.setGroupCloudManaged(g.id, body.isCloudManaged);
        return noContent();
      },
    },
    {
      method: 'DELETE', pattern: '/groups/{id}', cost: 1, write: true, perms: ['groups.write'],
      handler: (_req, p, ctx) => {
        const g = getGroup(ctx.store, p.id);
        ctx.store.deleteObject(g.id);
        return noContent();
      },
    },
  ];
}
