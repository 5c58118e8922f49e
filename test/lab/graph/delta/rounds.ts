/**
 * Builds the entries of one delta round from the store (initial = current state; incremental = the change log
 * after the token's sequence, folded per object) — contract §4.
 */
import type { Change } from '../changelog';
import { GROUP_DEFAULT, USER_DEFAULT, odataType, project } from '../properties';
import type { TenantStore } from '../store';
import type { DirectoryObject, ObjectKind } from '../types';
import type { DeltaParams } from './tokens';

export interface DeltaEntry {
  /** The object (selected props) or `{id, @removed}`. */
  props: Record<string, unknown>;
  /** `members@delta` entries (groups only). */
  members: Array<Record<string, unknown>>;
}

const kindOf = (p: DeltaParams): ObjectKind => (p.resource === 'groups' ? 'group' : 'user');

function memberRef(id: string, kind: ObjectKind, removed: boolean): Record<string, unknown> {
  const ref: Record<string, unknown> = { '@odata.type': odataType(kind), id };
  if (removed) ref['@removed'] = { reason: 'deleted' };
  return ref;
}

function current(store: TenantStore, kind: ObjectKind, id: string): DirectoryObject | undefined {
  return kind === 'group' ? store.getGroup(id) : store.getObject(id)?.kind === 'user' ? store.getUser(id) : undefined;
}

function allMembers(store: TenantStore, p: DeltaParams, id: string): Array<Record<string, unknown>> {
  return p.members && p.resource === 'groups' ? store.membersOf(id).map((m) => memberRef(m.id, m.kind, false)) : [];
}

export function initialEntries(store: TenantStore, p: DeltaParams): DeltaEntry[] {
  const kind = kindOf(p);
  const objects: DirectoryObject[] = p.ids
    ? p.ids.map((id) => current(store, kind, id)).filter((o): o is DirectoryObject => !!o)
    : kind === 'group' ? store.listGroups() : store.listUsers();
  return objects.map((o) => ({ props: project(kind, o, p.select), members: allMembers(store, p, o.id) }));
}

interface Folded {
  full: boolean;
  props: Set<string>;
  members: Map<string, ObjectKind>;
}

export function incrementalEntries(store: TenantStore, p: DeltaParams, changes: Change[], minimal: boolean): DeltaEntry[] {
  const kind = kindOf(p);
  const folded = new Map<string, Folded>();
  for (const c of changes) {
    if (p.ids && !p.ids.includes(c.id)) continue;
    let f = folded.get(c.id);
    if (!f) folded.set(c.id, (f = { full: false, props: new Set(), members: new Map() }));
    if (c.op === 'create' || c.op === 'restore') f.full = true;
    if (c.op === 'update') for (const prop of c.props ?? []) f.props.add(prop);
    if ((c.op === 'memberAdd' || c.op === 'memberRemove') && c.memberId) f.members.set(c.memberId, c.memberKind ?? 'user');
  }
  const relevant = new Set(p.select ?? (kind === 'group' ? GROUP_DEFAULT : USER_DEFAULT));
  const out: DeltaEntry[] = [];
  for (const [id, f] of folded) {
    const obj = current(store, kind, id);
    if (!obj) {
      out.push({ props: { id, '@removed': { reason: store.isSoftDeleted(id) ? 'changed' : 'deleted' } }, members: [] });
      continue;
    }
    if (f.full) {
      out.push({ props: project(kind, obj, p.select), members: allMembers(store, p, id) });
      continue;
    }
    const changedProps = [...f.props].filter((x) => relevant.has(x));
    const members = p.members && kind === 'group'
      ? [...f.members].map(([mid, mk]) => memberRef(mid, mk, !store.isMember(id, mid)))
      : [];
    if (changedProps.length === 0 && members.length === 0) continue;
    const props = minimal ? project(kind, obj, ['id', ...changedProps]) : project(kind, obj, p.select);
    out.push({ props, members });
  }
  return out;
}

/** Split entries into pages: ≤ pageSize objects and ≤ memberChunk member entries per page; big groups repeat. */
export function paginate(entries: DeltaEntry[], pageSize: number, memberChunk: number): Array<Array<Record<string, unknown>>> {
  const pages: Array<Array<Record<string, unknown>>> = [];
  let page: Array<Record<string, unknown>> = [];
  let budget = memberChunk;
  const flush = () => { pages.push(page); page = []; budget = memberChunk; };
  for (const e of entries) {
    if (e.members.length === 0) {
      if (page.length >= pageSize) flush();
      page.push(e.props);
      continue;
    }
    let rest = e.members;
    while (rest.length) {
      if (page.length >= pageSize || budget === 0) flush();
      const take = rest.slice(0, budget);
      rest = rest.slice(take.length);
      budget -= take.length;
      page.push({ ...e.props, 'members@delta': take });
    }
  }
  pages.push(page);
  return pages;
}
