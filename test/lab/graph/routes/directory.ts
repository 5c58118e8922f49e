/**
 * /directoryObjects (getByIds, get) and /directory/deletedItems (list by cast, get, restore, permanent delete).
 */
import { allows, canRead, demand } from '../auth/permissions';
import { badRequest, notFound } from '../errors';
import { json, noContent, type GraphRequest } from '../http-types';
import { listCollection, contextUrl, rejectUnknownOptions } from '../odata/listing';
import { odataType, parseSelect, project } from '../properties';
import type { Route } from '../router';
import type { ObjectKind } from '../types';
import { bodyObject, requireGuid } from './common';

const TYPE_NAMES: Record<string, ObjectKind | null> = {
  user: 'user', group: 'group', device: null, orgcontact: null, serviceprincipal: null, application: null,
  administrativeunit: null, directoryrole: null,
};

function parseTypes(raw: unknown): Set<ObjectKind | null> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw badRequest("Invalid value for 'types': an array of type names is expected.");
  const out = new Set<ObjectKind | null>();
  for (const t of raw) {
    const key = String(t).toLowerCase().replace(/^#?(?:microsoft\.)?graph\./, '');
    if (!(key in TYPE_NAMES)) throw badRequest(`Invalid type name '${String(t)}' in 'types'.`);
    out.add(TYPE_NAMES[key]);
  }
  return out;
}

function castKind(cast: string): ObjectKind {
  const c = cast.toLowerCase();
  if (c !== 'user' && c !== 'group') throw badRequest(`Cast to type 'microsoft.graph.${cast}' is not supported for deleted items.`);
  return c;
}

function demandKind(req: GraphRequest, kind: ObjectKind, write: boolean): void {
  demand(req.auth, kind === 'user' ? (write ? 'users.write' : 'users.read') : (write ? 'groups.write' : 'groups.read'));
}

export function directoryRoutes(): Route[] {
  return [
    {
      method: 'POST', pattern: '/directoryObjects/getByIds', cost: 5,
      handler: (req, _p, ctx) => {
        demand(req.auth, 'directory.read', 'users.read', 'groups.read');
        rejectUnknownOptions(req, new Set(['$select']));
        const body = bodyObject(req);
        const ids = body.ids;
        if (!Array.isArray(ids) || ids.length === 0) throw badRequest("Invalid value specified for property 'ids'. A non-empty array of ids is required.");
        if (ids.length > 1000) throw badRequest('Too many ids: at most 1000 ids can be requested in one call.');
        const types = parseTypes(body.types);
        const select = parseSelect(req.query.get('$select'), ['user', 'group']);
        const value: Array<Record<string, unknown>> = [];
        const seen = new Set<string>();
        for (const raw of ids) {
          const id = requireGuid(String(raw));
          if (seen.has(id)) continue;
          seen.add(id);
          const found = ctx.store.getObject(id);
          if (!found) continue;
          if (types && !types.has(found.kind)) continue;
          if (!canRead(req.auth, found.kind) && !allows(req.auth, 'directory.read')) continue;
          value.push({ '@odata.type': odataType(found.kind), ...project(found.kind, found.obj, select) });
        }
        return json(200, { '@odata.context': contextUrl(req, 'directoryObjects', select), value });
      },
    },
    {
      method: 'GET', pattern: '/directoryObjects/{id}', cost: 1,
      handler: (req, p, ctx) => {
        const found = ctx.store.getObject(requireGuid(p.id));
        if (!found) throw notFound(p.id);
        demandKind(req, found.kind, false);
        const select = parseSelect(req.query.get('$select'), [found.kind]);
        return json(200, { '@odata.context': `${contextUrl(req, 'directoryObjects')}/$entity`, '@odata.type': odataType(found.kind),
          ...project(found.kind, found.obj, select) });
      },
    },
    {
      method: 'GET', pattern: '/directory/deletedItems', cost: 1,
      handler: () => {
        throw badRequest("A type cast is required on 'deletedItems', e.g. /directory/deletedItems/microsoft.graph.group.");
      },
    },
    {
      method: 'GET', pattern: '/directory/deletedItems/{cast}', cost: 1,
      handler: (req, p, ctx) => {
        const kind = castKind(p.cast);
        demandKind(req, kind, false);
        const items = ctx.store.listDeleted(kind).map((obj) => ({ kind, obj }));
        return listCollection({ req, items, kinds: [kind], context: 'directoryObjects', withType: true, orderable: ['displayName'] });
      },
    },
    {
      method: 'GET', pattern: '/directory/deletedItems/{id}', cost: 1,
      handler: (req, p, ctx) => {
        const found = ctx.store.getDeleted(requireGuid(p.id));
        if (!found) throw notFound(p.id);
        demandKind(req, found.kind, false);
        const select = parseSelect(req.query.get('$select'), [found.kind]);
        return json(200, { '@odata.context': `${contextUrl(req, 'directoryObjects')}/$entity`, '@odata.type': odataType(found.kind),
          ...project(found.kind, found.obj, select) });
      },
    },
    {
      method: 'POST', pattern: '/directory/deletedItems/{id}/restore', cost: 1, write: true,
      handler: (req, p, ctx) => {
        const found = ctx.store.getDeleted(requireGuid(p.id));
        if (!found) throw notFound(p.id);
        demandKind(req, found.kind, true);
        const obj = ctx.store.restoreObject(found.obj.id);
        return json(200, { '@odata.context': `${contextUrl(req, 'directoryObjects')}/$entity`, '@odata.type': odataType(found.kind),
          ...project(found.kind, obj) });
      },
    },
    {
      method: 'DELETE', pattern: '/directory/deletedItems/{id}', cost: 1, write: true,
      handler: (req, p, ctx) => {
        const found = ctx.store.getDeleted(requireGuid(p.id));
        if (!found) throw notFound(p.id);
        demandKind(req, found.kind, true);
        ctx.store.purgeObject(found.obj.id);
        return noContent();
      },
    },
  ];
}
