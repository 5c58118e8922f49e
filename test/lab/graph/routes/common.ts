/** Helpers shared by the Graph route handlers: id checks, request bodies, writable properties, `@odata.bind` URLs. */
import { canRead } from '../auth/permissions';
import { badRequest, notFound } from '../errors';
import type { GraphRequest } from '../http-types';
import { isGuid } from '../ids';
import { canonicalProperty, isReadOnlyProperty, odataType, project } from '../properties';
import type { ListItem } from '../odata/listing';
import type { TenantStore } from '../store';
import type { ObjectKind } from '../types';

export function requireGuid(id: string): string {
  if (!isGuid(id)) throw badRequest(`Invalid object identifier '${id}'.`);
  return id.toLowerCase();
}

export function bodyObject(req: GraphRequest): Record<string, unknown> {
  const b = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  return b as Record<string, unknown>;
}

/**
 * Check a POST/PATCH body against the resource's properties: unknown → 400, read-only → 400. Returns the
 * canonical-cased properties and the `@odata.bind` annotations apart.
 */
export function writableProps(kind: ObjectKind, body: Record<string, unknown>, extraWritable: string[] = []):
  { props: Record<string, unknown>; binds: Record<string, unknown> } {
  const props: Record<string, unknown> = {};
  const binds: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.endsWith('@odata.bind')) { binds[k.slice(0, -'@odata.bind'.length).toLowerCase()] = v; continue; }
    if (k.startsWith('@odata.')) continue;
    if (extraWritable.includes(k)) { props[k] = v; continue; }
    const c = canonicalProperty(kind, k);
    if (!c) {
      throw badRequest(`The property '${k}' does not exist on type 'microsoft.graph.${kind}'. Make sure to only use property ` +
        'names that are defined by the type or mark the type as open type.');
    }
    if (isReadOnlyProperty(kind, c)) throw badRequest(`Property '${c}' is read-only and cannot be set.`);
    props[c] = v;
  }
  return { props, binds };
}

/** Id from an `@odata.id` / `@odata.bind` URL: `https://graph.microsoft.com/v1.0/directoryObjects/{id}` (users/groups too). */
export function idFromReference(ref: unknown): string {
  if (typeof ref !== 'string') throw badRequest("Invalid reference: '@odata.id' must be a URL string.");
  const m = /\/(?:directoryObjects|users|groups|devices|servicePrincipals|contacts)\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(ref)
    ?? /^([0-9a-f-]{36})$/i.exec(ref);
  if (!m) throw badRequest(`Invalid URL format specified in @odata.bind for '${ref}'.`);
  const id = decodeURIComponent(m[1]).replace(/^\('?|'?\)$/g, '');
  return requireGuid(id);
}

/** Resolve a `members@odata.bind` array to existing object ids (404 for unknown ones). */
export function resolveBinds(store: TenantStore, value: unknown, max = 20): string[] {
  if (!Array.isArray(value)) throw badRequest("'members@odata.bind' must be an array of URLs.");
  if (value.length > max) throw badRequest(`Maximum number of ${max} references exceeded in a single request.`);
  return value.map((ref) => {
    const id = idFromReference(ref);
    if (!store.getObject(id)) throw notFound(id);
    return id;
  });
}

/**
 * Projection for mixed collections: inapplicable `$select` names are omitted; objects of a kind the caller's
 * roles can't read come back with limited information (`id` only, other selected props null).
 */
export function mixedProjector(req: GraphRequest) {
  return (item: ListItem, select: string[] | undefined): Record<string, unknown> => {
    if (!canRead(req.auth, item.kind)) {
      const out: Record<string, unknown> = { id: item.obj.id };
      for (const p of select ?? []) if (p !== 'id') out[p] = null;
      return out;
    }
    return project(item.kind, item.obj, select);
  };
}

export function entityContext(req: GraphRequest, set: string): string {
  return `${req.origin}/${req.version}/$metadata#${set}/$entity`;
}

export function withType(kind: ObjectKind, body: Record<string, unknown>): Record<string, unknown> {
  return { '@odata.type': odataType(kind), ...body };
}
