/** GET /groups/delta and /users/delta (contract §4): rounds, tokens, `$deltatoken=latest`, `Prefer: return=minimal`. */
import type { EmulatorContext } from '../context';
import type { DeltaToken, DeltaParams, DeltaResource } from '../delta/tokens';
import { badRequest, unsupportedQuery } from '../errors';
import type { GraphRequest, GraphResponse } from '../http-types';
import { parseFilter } from '../odata/filter-parser';
import { deltaIdFilter } from '../odata/filter-rules';
import { parseSelect } from '../properties';
import type { Route } from '../router';

function paramsFromQuery(req: GraphRequest, resource: DeltaResource): DeltaParams {
  const q = req.query;
  for (const opt of q.systemOptions()) {
    if (['$select', '$filter', '$deltatoken', '$skiptoken', '$expand'].includes(opt)) continue;
    throw unsupportedQuery(`The query parameter '${opt}' is not supported with delta query.`);
  }
  const kind = resource === 'groups' ? 'group' : 'user';
  const select = parseSelect(q.get('$select'), [kind], resource === 'groups' ? ['members'] : [], true);
  let members = resource === 'groups' && (!select || select.includes('members'));
  const expand = q.get('$expand');
  if (expand !== undefined) {
    if (resource !== 'groups' || expand.trim().toLowerCase() !== 'members') throw unsupportedQuery(`$expand=${expand} is not supported with delta query.`);
    members = true;
  }
  const filter = q.get('$filter');
  const ids = filter ? deltaIdFilter(parseFilter(filter)) : undefined;
  const projected = select?.filter((s) => s !== 'members');
  return { resource, members, ...(projected ? { select: projected } : {}), ...(ids ? { ids } : {}) };
}

function respond(req: GraphRequest, resource: DeltaResource, page: { value: unknown[]; nextToken?: string; deltaToken?: string },
  headers: Record<string, string> = {}): GraphResponse {
  const base = `${req.origin}/${req.version}/${resource}/delta`;
  const body: Record<string, unknown> = { '@odata.context': `${req.origin}/${req.version}/$metadata#${resource}` };
  if (page.nextToken) body['@odata.nextLink'] = `${base}?$skiptoken=${page.nextToken}`;
  else body['@odata.deltaLink'] = `${base}?$deltatoken=${page.deltaToken}`;
  body.value = page.value;
  return { status: 200, body, headers };
}

function handleDelta(req: GraphRequest, ctx: EmulatorContext, resource: DeltaResource): GraphResponse {
  const q = req.query;
  const skip = q.get('$skiptoken');
  const delta = q.get('$deltatoken');
  if (skip !== undefined && delta !== undefined) throw badRequest('Specify either $skiptoken or $deltatoken, not both.');
  if (skip !== undefined) {
    const t = ctx.delta.check(skip, resource, req.origin, req.version);
    if (t.k !== 'page') throw badRequest('A $deltatoken value was passed as $skiptoken.');
    return respond(req, resource, ctx.delta.continue(t.r, t.x));
  }
  if (delta !== undefined && delta.toLowerCase() === 'latest') {
    return respond(req, resource, { value: [], deltaToken: ctx.delta.latest(paramsFromQuery(req, resource)) });
  }
  if (delta !== undefined && delta !== '') {
    const t = ctx.delta.check(delta, resource, req.origin, req.version);
    if (t.k !== 'delta') throw badRequest('A $skiptoken value was passed as $deltatoken.');
    const minimal = /return=minimal/i.test(req.headers.prefer ?? '');
    const page = ctx.delta.start(t.p, t as DeltaToken, minimal);
    return respond(req, resource, page, minimal ? { 'Preference-Applied': 'return=minimal' } : {});
  }
  return respond(req, resource, ctx.delta.start(paramsFromQuery(req, resource), undefined, false));
}

export function deltaRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/groups/delta', cost: 1, perms: ['groups.read'], handler: (req, _p, ctx) => handleDelta(req, ctx, 'groups') },
    { method: 'GET', pattern: '/users/delta', cost: 1, perms: ['users.read'], handler: (req, _p, ctx) => handleDelta(req, ctx, 'users') },
  ];
}
