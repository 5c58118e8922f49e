/**
 * The collection pipeline shared by /groups, /users, /members…: validates OData options the way Graph does
 * (default vs advanced mode), then filter → search → order → page, with absolute nextLinks and `@odata.count`.
 */
import { badRequest, unsupportedQuery } from '../errors';
import type { GraphRequest, GraphResponse } from '../http-types';
import { odataType, parseSelect, project } from '../properties';
import type { DirectoryObject, ObjectKind } from '../types';
import { evaluate } from './filter-eval';
import { parseFilter } from './filter-parser';
import { checkFilter } from './filter-rules';
import { base64urlJson, fromBase64urlJson, parseTop } from './query';
import { matchesSearch, parseSearch } from './search';

export interface ListItem {
  kind: ObjectKind;
  obj: DirectoryObject;
}

/**
 * A collection that is paged without being materialised (a 500,000-member group: each page request costs its page,
 * not the whole list). `all()` materialises it for what needs every item ($filter, $search, $orderby).
 */
export interface LazyItems {
  readonly length: number;
  slice(start: number, end: number): ListItem[];
  all(): ListItem[];
}

function materialise(items: ListItem[] | LazyItems): ListItem[] {
  return Array.isArray(items) ? items : items.all();
}

export interface ListSpec {
  req: GraphRequest;
  items: ListItem[] | LazyItems;
  /** Kinds the collection can hold ($select names are checked against them). */
  kinds: ObjectKind[];
  /** `$metadata#<context>`, e.g. 'groups' or 'directoryObjects'. */
  context: string;
  /** Items carry `@odata.type` (mixed collections). */
  withType: boolean;
  /** Properties `$orderby` accepts. */
  orderable: string[];
  /** Custom projection (limited information, inapplicable props…). */
  project?: (item: ListItem, select: string[] | undefined) => Record<string, unknown>;
  /** `$expand` handler; throws for unsupported expansions. */
  expand?: (item: ListItem, what: string) => Record<string, unknown>;
  /** `$filter`/`$orderby`/`$search` need advanced mode (relationship collections such as /members). */
  advancedOnly?: boolean;
  /** Server-driven paging: at most this many items per page whatever `$top` asks (Graph may return fewer). */
  maxPageSize?: number;
}

const KNOWN = new Set(['$select', '$filter', '$top', '$count', '$orderby', '$search', '$expand', '$skiptoken', '$format']);

export function isAdvanced(req: GraphRequest): boolean {
  return req.headers.consistencylevel?.toLowerCase() === 'eventual' && req.query.get('$count')?.toLowerCase() === 'true';
}

export function rejectUnknownOptions(req: GraphRequest, allowed = KNOWN): void {
  for (const opt of req.query.systemOptions()) {
    if (opt === '$skip') throw badRequest("'$skip' is not supported by the service.");
    if (!allowed.has(opt)) throw badRequest(`Query option '${opt}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`);
  }
}

export function listCollection(spec: ListSpec): GraphResponse {
  const { req } = spec;
  const q = req.query;
  rejectUnknownOptions(req);
  const skip = decodeSkipToken(q.get('$skiptoken'));
  const advanced = isAdvanced(req) || skip?.a === 1;
  const eventual = req.headers.consistencylevel?.toLowerCase() === 'eventual' || skip?.a === 1;
  const filterKind = spec.kinds[0];
  if (spec.advancedOnly && !advanced) {
    const opt = ['$filter', '$orderby', '$search'].find((o) => q.has(o));
    if (opt) {
      throw unsupportedQuery(`The query parameter '${opt}' is not supported on this collection because the required parameters might ` +
        'be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information');
    }
  }

  const select = parseSelect(q.get('$select'), spec.kinds);
  const top = Math.min(parseTop(q.get('$top')), spec.maxPageSize ?? Infinity);

  const filterRaw = q.get('$filter');
  const filter = filterRaw !== undefined && filterRaw.trim() !== '' ? parseFilter(filterRaw) : undefined;
  if (filter) checkFilter(filter, filterKind, advanced);

  const searchRaw = q.get('$search');
  if (searchRaw !== undefined && !eventual) {
    throw unsupportedQuery("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
  }
  const search = searchRaw !== undefined ? parseSearch(searchRaw) : undefined;

  const orderRaw = q.get('$orderby');
  let order: { prop: string; desc: boolean } | undefined;
  if (orderRaw !== undefined) {
    const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(orderRaw.split(',')[0]);
    const prop = m && spec.orderable.find((p) => p.toLowerCase() === m[1].toLowerCase());
    if (!m || !prop) throw unsupportedQuery(`Order by '${orderRaw}' not supported.`);
    if (filter && !advanced) throw unsupportedQuery('Sorting not supported for current query.');
    order = { prop, desc: m[2]?.toLowerCase() === 'desc' };
  }

  const expandRaw = q.get('$expand');
  if (expandRaw !== undefined) {
    if (advanced) throw unsupportedQuery("The request with '$expand' is not supported in advanced query mode (ConsistencyLevel:eventual).");
    if (!spec.expand) throw badRequest(`Could not find a property named '${expandRaw}' to expand.`);
  }

  let items = spec.items;
  if (filter) items = materialise(items).filter((i) => evaluate(filter, i.obj));
  if (search) items = materialise(items).filter((i) => matchesSearch(i.obj, search));
  if (order) {
    const { prop, desc } = order;
    const key = (i: ListItem) => String(i.obj[prop] ?? '').toLowerCase();
    items = [...materialise(items)].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (desc ? -1 : 1));
  }

  const offset = skip?.o ?? 0;
  const page = items.slice(offset, offset + top);
  const value = page.map((item) => {
    const base = spec.project ? spec.project(item, select) : project(item.kind, item.obj, select);
    const out = spec.withType ? { '@odata.type': odataType(item.kind), ...base } : base;
    if (expandRaw !== undefined && spec.expand) Object.assign(out, spec.expand(item, expandRaw));
    return out;
  });

  const body: Record<string, unknown> = { '@odata.context': contextUrl(req, spec.context, select) };
  if (!skip && req.query.get('$count')?.toLowerCase() === 'true' && isAdvanced(req)) body['@odata.count'] = items.length;
  if (offset + top < items.length) {
    body['@odata.nextLink'] = nextLink(req, { o: offset + top, ...(advanced ? { a: 1 } : {}) });
  }
  body.value = value;
  return { status: 200, body };
}

/** `/groups/$count` and friends: plain-text count, advanced mode only. */
export function countCollection(req: GraphRequest, items: ListItem[] | LazyItems, kind: ObjectKind): GraphResponse {
  if (req.headers.consistencylevel?.toLowerCase() !== 'eventual') throw badRequest('$count is not currently supported.');
  const filterRaw = req.query.get('$filter');
  let list = items;
  if (filterRaw) {
    const f = parseFilter(filterRaw);
    checkFilter(f, kind, true);
    list = materialise(list).filter((i) => evaluate(f, i.obj));
  }
  return { status: 200, text: String(list.length) };
}

export function contextUrl(req: GraphRequest, context: string, select?: string[]): string {
  return `${req.origin}/${req.version}/$metadata#${context}${select ? `(${select.join(',')})` : ''}`;
}

export function nextLink(req: GraphRequest, token: Record<string, unknown>): string {
  const rest = req.query.rawWithout('$skiptoken');
  const skiptoken = base64urlJson({ k: 'list', ...token });
  return `${req.origin}/${req.version}${encodePath(req.path)}?${rest ? `${rest}&` : ''}$skiptoken=${skiptoken}`;
}

export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s).replace(/%24/g, '$').replace(/%40/g, '@')).join('/');
}

function decodeSkipToken(raw: string | undefined): { o: number; a?: number } | undefined {
  if (raw === undefined) return undefined;
  const t = fromBase64urlJson(raw) as { k?: string; o?: unknown; a?: number } | undefined;
  if (!t || t.k !== 'list' || typeof t.o !== 'number' || t.o < 0) throw badRequest(`Invalid $skiptoken value '${raw}'.`);
  return { o: t.o, a: t.a };
}

