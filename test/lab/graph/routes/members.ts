/**
 * Group membership: /groups/{id}/members and /transitiveMembers (+ OData casts), and writes through
 * `POST /groups/{id}/members/$ref` and `DELETE /groups/{id}/members/{memberId}/$ref` (contract §5).
 */
import { badRequest, notFound, unsupportedQuery } from '../errors';
import { noContent, type GraphRequest } from '../http-types';
import { countCollection, listCollection, type LazyItems, type ListItem } from '../odata/listing';
import type { Route } from '../router';
import type { TenantStore } from '../store';
import type { ObjectKind } from '../types';
import { bodyObject, idFromReference, mixedProjector, requireGuid } from './common';

const CASTS = new Set(['user', 'group', 'orgcontact', 'device', 'serviceprincipal']);

/**
 * A group's (transitive) members as a lazy collection: a page request reads its page from the store, it does not
 * materialise every member (at 500,000 members that made a full listing cost O(N²/page)).
 */
function memberItems(store: TenantStore, groupId: string, transitive: boolean, cast: string | undefined): LazyItems {
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
    if (kind === undefined) return lazyMembers(store, () => [], undefined);
  }
  const id = g.id;
  return lazyMembers(store, transitive ? () => store.transitiveMembersOf(id).map((m): [string, ObjectKind] => [m.id, m.kind]) : () => store.memberEntries(id), kind);
}

function lazyMembers(store: TenantStore, entries: () => Iterable<[string, ObjectKind]>, kind: ObjectKind | undefined): LazyItems {
  const item = (id: string, k: ObjectKind): ListItem => ({ kind: k, obj: store.getObject(id)!.obj });
  const slice = (start: number, end: number): ListItem[] => {
    const out: ListItem[] = [];
    let i = 0;
    for (const [id, k] of entries()) {
      if (kind && k !== kind) continue;
      if (i >= end) break;
      if (i >= start) out.push(item(id, k));
      i++;
    }
    return out;
  };
  return {
    get length() {
      const all = entries();
      if (!kind && all instanceof Map) return all.size;
      let n = 0;
      for (const [, k] of all) if (!kind || k === kind) n++;
      return n;
    },
    slice,
    all: () => slice(0, Infinity),
  };
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
