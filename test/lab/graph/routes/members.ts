/**
 * Group membership: /groups/{id}/members and /transitiveMembers (+ OData casts), and writes through
 * `POST /groups/{id}/members/$ref` and `DELETE /groups/{id}/members/{memberId}/$ref` (contract §5).
 */
import { badRequest, notFound, unsupportedQuery } from '../errors';
import { noContent, type GraphRequest } from '../http-types';
import { countCollection, listCollection, type ListItem } from '../odata/listing';
import type { Route } from '../router';
import type { TenantStore } from '../store';
import type { ObjectKind } from '../types';
import { bodyObject, idFromReference, mixedProjector, requireGuid } from './common';

const CASTS = new Set(['user', 'group', 'orgcontact', 'device', 'serviceprincipal']);

function memberItems(store: TenantStore, groupId: string, transitive: boolean, cast: string | undefined): ListItem[] {
  const g = store.getGroup(requireGuid(groupId));
  if (!g) throw notFound(groupId);
  let kind: ObjectKind | undefined;
  if (cast !== undefined) {
    const c = cast.toLowerCase();
    if (!CASTS.has(c)) throw badRequest(`Cast to type 'microsoft.graph.${cast}' is not valid for this navigation property.`);
    if (c === 'group' && g.groupTypes.includes('Unified')) {
      throw unsupportedQuery("The type cast 'microsoft.graph.group' is not supported for the members of a Microsoft 365 group.");
    }
    kind = c === 'user' ? 'user' : c === 'group' ? 'group' : undefined;
    if (kind === undefined) return [];
  }
  const refs = transitive ? store.transitiveMembersOf(g.id) : store.membersOf(g.id);
  return refs
    .filter((r) => !kind || r.kind === kind)
    .map((r) => ({ kind: r.kind, obj: store.getObject(r.id)!.obj }));
}

function list(req: GraphRequest, store: TenantStore, groupId: string, transitive: boolean, cast?: string, maxPageSize?: number) {
  const items = memberItems(store, groupId, transitive, cast);
  const kinds: ObjectKind[] = cast?.toLowerCase() === 'group' ? ['group'] : cast?.toLowerCase() === 'user' ? ['user'] : ['user', 'group'];
  return listCollection({
    req, items, kinds, withType: true, orderable: ['displayName'], advancedOnly: true,
    context: cast ? `${kinds[0]}s` : 'directoryObjects', project: mixedProjector(req), ...(maxPageSize ? { maxPageSize } : {}),
  });
}

export function memberRoutes(): Route[] {
  const routes: Route[] = [];
  for (const [rel, transitive, cost] of [['members', false, 3], ['transitiveMembers', true, 5]] as const) {
    routes.push(
      {
        method: 'GET', pattern: `/groups/{id}/${rel}`, cost, perms: ['members.read'],
        handler: (req, p, ctx) => list(req, ctx.store, p.id, transitive, undefined, ctx.faults.maxPageSize),
      },
      {
        method: 'GET', pattern: `/groups/{id}/${rel}/{cast}`, cost, perms: ['members.read'],
        handler: (req, p, ctx) => list(req, ctx.store, p.id, transitive, p.cast, ctx.faults.maxPageSize),
      },
      {
        method: 'GET', pattern: `/groups/{id}/${rel}/$count`, cost, perms: ['members.read'],
        handler: (req, p, ctx) => countCollection(req, memberItems(ctx.store, p.id, transitive, undefined), 'user'),
      },
      {
        method: 'GET', pattern: `/groups/{id}/${rel}/{cast}/$count`, cost, perms: ['members.read'],
        handler: (req, p, ctx) => countCollection(req, memberItems(ctx.store, p.id, transitive, p.cast),
          p.cast.toLowerCase() === 'group' ? 'group' : 'user'),
      },
    );
  }
  routes.push(
    {
      method: 'POST', pattern: '/groups/{id}/members/$ref', cost: 1, write: true, perms: ['members.write'],
      handler: (req, p, ctx) => {
        const groupId = requireGuid(p.id);
        if (!ctx.store.getGroup(groupId)) throw notFound(p.id);
        const body = bodyObject(req);
        const memberId = idFromReference(body['@odata.id']);
        ctx.store.addMember(groupId, memberId);
        return noContent();
      },
    },
    {
      method: 'DELETE', pattern: '/groups/{id}/members/{memberId}/$ref', cost: 1, write: true, perms: ['members.write'],
      handler: (_req, p, ctx) => {
        const groupId = requireGuid(p.id);
        if (!ctx.store.getGroup(groupId)) throw notFound(p.id);
        ctx.store.removeMember(groupId, requireGuid(p.memberId));
        return noContent();
      },
    },
  );
  return routes;
}
