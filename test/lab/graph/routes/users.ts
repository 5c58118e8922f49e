/** /users: list (OData), get by id or userPrincipalName, create, update, soft delete, memberOf (contract §2). */
import { badRequest, notFound } from '../errors';
import { json, noContent, type GraphRequest } from '../http-types';
import { isGuid } from '../ids';
import { countCollection, listCollection, type ListItem } from '../odata/listing';
import { parseSelect, project } from '../properties';
import type { Route } from '../router';
import type { TenantStore } from '../store';
import type { GraphUser } from '../types';
import { bodyObject, entityContext, mixedProjector, writableProps } from './common';

const items = (store: TenantStore): ListItem[] => store.listUsers().map((obj) => ({ kind: 'user', obj }));

function getUser(store: TenantStore, key: string): GraphUser {
  if (!isGuid(key) && !key.includes('@')) throw badRequest(`Invalid object identifier '${key}'.`);
  const u = store.getUser(key);
  if (!u) throw notFound(key);
  return u;
}

function validateNewUser(props: Record<string, unknown>): void {
  const missing = (p: string) => badRequest(`Invalid value specified for property '${p}' of resource 'User'.`);
  if (typeof props.accountEnabled !== 'boolean') throw missing('accountEnabled');
  if (typeof props.displayName !== 'string' || !props.displayName.trim()) throw missing('displayName');
  if (typeof props.mailNickname !== 'string' || !/^[^\s@]+$/.test(props.mailNickname)) throw missing('mailNickname');
  if (typeof props.userPrincipalName !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(props.userPrincipalName)) throw missing('userPrincipalName');
  const pp = props.passwordProfile as { password?: unknown } | undefined;
  if (!pp || typeof pp !== 'object' || typeof pp.password !== 'string' || pp.password.length < 8) throw missing('passwordProfile');
}

export function userRoutes(): Route[] {
  return [
    {
      method: 'GET', pattern: '/users', cost: 2, perms: ['users.read'],
      handler: (req, _p, ctx) => listCollection({
        req, items: items(ctx.store), kinds: ['user'], context: 'users', withType: false,
        orderable: ['displayName', 'userPrincipalName'],
      }),
    },
    {
      method: 'GET', pattern: '/users/$count', cost: 2, perms: ['users.read'],
      handler: (req, _p, ctx) => countCollection(req, items(ctx.store), 'user'),
    },
    {
      method: 'GET', pattern: '/users/{id}', cost: 1, perms: ['users.read'],
      handler: (req, p, ctx) => {
        const u = getUser(ctx.store, p.id);
        const select = parseSelect(req.query.get('$select'), ['user']);
        return json(200, { '@odata.context': entityContext(req, 'users'), ...project('user', u, select) });
      },
    },
    {
      method: 'GET', pattern: '/users/{id}/memberOf', cost: 1, perms: ['users.read', 'groups.read'],
      handler: (req, p, ctx) => memberOf(req, ctx.store, getUser(ctx.store, p.id).id, false),
    },
    {
      method: 'GET', pattern: '/users/{id}/transitiveMemberOf', cost: 2, perms: ['users.read', 'groups.read'],
      handler: (req, p, ctx) => memberOf(req, ctx.store, getUser(ctx.store, p.id).id, true),
    },
    {
      method: 'GET', pattern: '/users/{id}/memberOf/{cast}', cost: 1, perms: ['users.read', 'groups.read'],
      handler: (req, p, ctx) => memberOf(req, ctx.store, getUser(ctx.store, p.id).id, false, p.cast),
    },
    {
      method: 'GET', pattern: '/users/{id}/transitiveMemberOf/{cast}', cost: 2, perms: ['users.read', 'groups.read'],
      handler: (req, p, ctx) => memberOf(req, ctx.store, getUser(ctx.store, p.id).id, true, p.cast),
    },
    {
      method: 'POST', pattern: '/users', cost: 1, write: true, perms: ['users.write'],
      handler: (req: GraphRequest, _p, ctx) => {
        const { props } = writableProps('user', bodyObject(req), ['passwordProfile']);
        validateNewUser(props);
        const u = ctx.store.addUser(props as Partial<GraphUser>);
        return json(201, { '@odata.context': entityContext(req, 'users'), ...project('user', u) });
      },
    },
    {
      method: 'PATCH', pattern: '/users/{id}', cost: 1, write: true, perms: ['users.write'],
      handler: (req, p, ctx) => {
        const u = getUser(ctx.store, p.id);
        const { props } = writableProps('user', bodyObject(req), ['passwordProfile']);
        if ('userPrincipalName' in props && (typeof props.userPrincipalName !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(props.userPrincipalName))) {
          throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
        }
        ctx.store.updateUser(u.id, props as Partial<GraphUser>);
        return noContent();
      },
    },
    {
      method: 'DELETE', pattern: '/users/{id}', cost: 1, write: true, perms: ['users.write'],
      handler: (_req, p, ctx) => {
        ctx.store.deleteObject(getUser(ctx.store, p.id).id);
        return noContent();
      },
    },
  ];
}

/** Groups the user belongs to; a cast (`graph.group`, `microsoft.graph.administrativeUnit`…) keeps that type only. */
function memberOf(req: GraphRequest, store: TenantStore, id: string, transitive: boolean, cast?: string) {
  const c = cast?.toLowerCase();
  if (c !== undefined && !['group', 'administrativeunit', 'directoryrole'].includes(c)) {
    throw badRequest(`Cast to type 'microsoft.graph.${cast}' is not valid for this navigation property.`);
  }
  const direct = store.memberOf(id);
  const seen = new Set<string>();
  const queue = [...direct];
  while (queue.length) {
    const g = queue.shift()!;
    if (seen.has(g)) continue;
    seen.add(g);
    if (transitive) queue.push(...store.memberOf(g));
  }
  const list: ListItem[] = c !== undefined && c !== 'group' ? []
    : [...seen].map((g) => ({ kind: 'group' as const, obj: store.getGroup(g)! })).filter((i) => i.obj);
  return listCollection({ req, items: list, kinds: ['group'], context: c ? 'groups' : 'directoryObjects', withType: true,
    orderable: ['displayName'], project: mixedProjector(req) });
}
