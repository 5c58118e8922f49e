/**
 * The direct members of every group, as the initial `groups/delta` round returned them (members come with the
 * groups: one round instead of one `GET /groups/{id}/members` per group), held compactly until the cycle has
 * written each group.
 *
 * Graph ids are GUIDs: each member is 17 bytes (its kind and the 16 GUID bytes) in one growable buffer per group,
 * so 1,000,000 memberships take ≈17–34 MB instead of ≈150 MB as objects. Ids that are not GUIDs (never seen from
 * Graph, but a Source may yield them) are kept as they are. A large group's members arrive in chunks on several
 * pages; a member reported removed within the round is dropped again.
 */
import type { MemberRef } from '../model/cloud';

const KINDS: MemberRef['kind'][] = ['user', 'group', 'device', 'orgContact', 'servicePrincipal', 'other'];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const RECORD = 17;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Entry {
  buf: Buffer;
  n: number;
  /** Non-GUID ids (rare). */
  other?: MemberRef[];
  /** Ids reported removed later in the round (rare on an initial round). */
  removed?: Set<string>;
}

function encode(id: string, buf: Buffer, at: number): boolean {
  if (!GUID.test(id)) return false;
  buf.write(id.replace(/-/g, ''), at, 16, 'hex');
  return true;
}

function decode(buf: Buffer, at: number): string {
  const h = buf.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class MemberTable {
  private readonly groups = new Map<string, Entry>();
  private links = 0;

  /** Groups known (also those with no members). */
  get size(): number {
    return this.groups.size;
  }

  /** Member references held. */
  get memberCount(): number {
    return this.links;
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId.toLowerCase());
  }

  private entry(groupId: string): Entry {
    const id = groupId.toLowerCase();
    let e = this.groups.get(id);
    if (!e) this.groups.set(id, (e = { buf: Buffer.alloc(0), n: 0 }));
    return e;
  }

  /** A group seen in the round (so an empty group is known to have no members). */
  touch(groupId: string): void {
    this.entry(groupId);
  }

  add(groupId: string, refs: readonly MemberRef[]): void {
    const e = this.entry(groupId);
    if (refs.length === 0) return;
    const need = (e.n + refs.length) * RECORD;
    if (need > e.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, Math.min(e.buf.length * 2, need + 1024 * 1024 * RECORD)));
      e.buf.copy(grown, 0, 0, e.n * RECORD);
      e.buf = grown;
    }
    for (const r of refs) {
      const id = r.id.toLowerCase();
      e.removed?.delete(id);
      const at = e.n * RECORD;
      if (encode(id, e.buf, at + 1)) {
        e.buf[at] = KIND_CODE.get(r.kind) ?? KINDS.length - 1;
        e.n++;
      } else {
        (e.other ??= []).push({ id, kind: r.kind });
      }
      this.links++;
    }
  }

  remove(groupId: string, refs: readonly MemberRef[]): void {
    if (refs.length === 0) return;
    const e = this.entry(groupId);
    e.removed ??= new Set();
    for (const r of refs) e.removed.add(r.id.toLowerCase());
  }

  /** The group's members in pages of `pageSize` (duplicates within the round may repeat: resolvers dedupe). */
  *pages(groupId: string, pageSize = 1000): Generator<MemberRef[]> {
    const e = this.groups.get(groupId.toLowerCase());
    if (!e) return;
    let page: MemberRef[] = [];
    const push = (ref: MemberRef) => {
      if (e.removed?.has(ref.id)) return;
      page.push(ref);
      if (page.length >= pageSize) {
        const full = page;
        page = [];
        return full;
      }
      return undefined;
    };
    for (let i = 0; i < e.n; i++) {
      const at = i * RECORD;
      const full = push({ id: decode(e.buf, at + 1), kind: KINDS[e.buf[at]] ?? 'other' });
      if (full) yield full;
    }
    for (const r of e.other ?? []) {
      const full = push(r);
      if (full) yield full;
    }
    if (page.length) yield page;
  }

  /** Forget a group once nothing in the cycle needs its members any more (a later read goes to Graph). */
  release(groupId: string): void {
    const id = groupId.toLowerCase();
    const e = this.groups.get(id);
    if (!e) return;
    this.links -= e.n + (e.other?.length ?? 0);
    this.groups.delete(id);
  }
}
