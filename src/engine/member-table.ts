/**
 * The direct members of every group, as the initial `groups/delta` round returned them (members come with the
 * groups: one round instead of one `GET /groups/{id}/members` per group), held compactly until the cycle has
 * written each group.
 *
 * Graph ids are GUIDs: each member is 17 bytes (its kind and the 16 GUID bytes) in ONE arena shared by every
 * group — blocks of 64Ki records, appended to in the order the round delivers them — so 1,000,000 memberships
 * take ≈17 MB instead of ≈150 MB as objects, and a group costs no object of its own: its map slot points into
 * flat per-group and per-run integer arrays (a run: consecutive records of one group; a large group's members
 * arrive in chunks on several pages, so it has several runs). A block is dropped once every group with
 * records in it is released (groups are released roughly in the order they were read).
 *
 * Ids that are not GUIDs (never seen from Graph, but a Source may yield them) are kept as they are, and so are
 * the ids of members reported removed later within the round (rare on an initial round): both per group, aside.
 */
import { formatGuid } from '../core/flat-string';
import type { MemberRef } from '../model/cloud';

const KINDS: MemberRef['kind'][] = ['user', 'group', 'device', 'orgContact', 'servicePrincipal', 'other'];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const RECORD = 17;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NONE = -1;

/** What a group rarely has besides its arena records. */
interface Aside {
  /** Non-GUID ids. */
  other?: MemberRef[];
  /** Ids reported removed later in the round. */
  removed?: Set<string>;
}

/** A growable Int32Array. */
class IntColumn {
  private a = new Int32Array(1024);
  get(i: number): number {
    return this.a[i];
  }
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const grown = new Int32Array(Math.max(i + 1, this.a.length * 2));
      grown.set(this.a);
      this.a = grown;
    }
    this.a[i] = v;
  }
}

const IN_ORDER = Array.from({ length: 16 }, (_, i) => i);

export class MemberTable {
  /** Group id (lowercase) → slot. */
  private readonly slots = new Map<string, number>();
  private nextSlot = 0;
  /** Per slot: first and last run (NONE: no records). */
  private readonly head = new IntColumn();
  private readonly tail = new IntColumn();
  /** Per run: first record (global index: block × blockRecords + offset), record count, next run of the group. */
  private readonly runStart = new IntColumn();
  private readonly runLength = new IntColumn();
  private readonly runNext = new IntColumn();
  private nextRun = 0;
  /** The arena: blocks of `blockRecords` records (undefined once every record in it is released). */
  private readonly blocks: (Buffer | undefined)[] = [];
  /** Records of unreleased groups per block. */
  private readonly blockLive: number[] = [];
  /** Next free record (global index). */
  private cursor = 0;
  private readonly aside = new Map<string, Aside>();
  private links = 0;

  /** `blockRecords`: records per arena block (tests make it small to cross block boundaries). */
  constructor(private readonly blockRecords = 1 << 16) {}

  /** Groups known (also those with no members). */
  get size(): number {
    return this.slots.size;
  }

  /** Member references held. */
  get memberCount(): number {
    return this.links;
  }

  /** Arena blocks held (released groups' blocks are let go once nothing lives in them). */
  get heldBlocks(): number {
    return this.blocks.filter((b) => b !== undefined).length;
  }

  has(groupId: string): boolean {
    return this.slots.has(groupId.toLowerCase());
  }

  private slot(groupId: string): number {
    const id = groupId.toLowerCase();
    let s = this.slots.get(id);
    if (s === undefined) {
      s = this.nextSlot++;
      this.slots.set(id, s);
      this.head.set(s, NONE);
      this.tail.set(s, NONE);
    }
    return s;
  }

  /** A group seen in the round (so an empty group is known to have no members). */
  touch(groupId: string): void {
    this.slot(groupId);
  }

  /** Room for `n` records in the current block: where they start (global index) and how many fit. */
  private reserve(n: number): { start: number; fits: number } {
    const block = Math.floor(this.cursor / this.blockRecords);
    if (!this.blocks[block]) {
      this.blocks[block] = Buffer.allocUnsafeSlow(this.blockRecords * RECORD);
      this.blockLive[block] = 0;
    }
    return { start: this.cursor, fits: Math.min(n, (block + 1) * this.blockRecords - this.cursor) };
  }

  /** Append a run of `length` records starting at `start` to the group in slot `s`. */
  private appendRun(s: number, start: number, length: number): void {
    const last = this.tail.get(s);
    // Records right after the group's last run (the usual case within one page): extend that run.
    if (last !== NONE && this.runStart.get(last) + this.runLength.get(last) === start && start % this.blockRecords !== 0) {
      this.runLength.set(last, this.runLength.get(last) + length);
      return;
    }
    const r = this.nextRun++;
    this.runStart.set(r, start);
    this.runLength.set(r, length);
    this.runNext.set(r, NONE);
    if (last === NONE) this.head.set(s, r);
    else this.runNext.set(last, r);
    this.tail.set(s, r);
  }

  /** The group's aside record, made on first need. */
  private asideOf(id: string): Aside {
    let a = this.aside.get(id);
    if (!a) this.aside.set(id, (a = {}));
    return a;
  }

  add(groupId: string, refs: readonly MemberRef[]): void {
    const s = this.slot(groupId);
    if (refs.length === 0) return;
    const id = groupId.toLowerCase();
    const aside = this.aside.get(id);
    let i = 0;
    while (i < refs.length) {
      const { start, fits } = this.reserve(refs.length - i);
      const block = Math.floor(start / this.blockRecords);
      const buf = this.blocks[block]!;
      let at = (start % this.blockRecords) * RECORD;
      let written = 0;
      for (; i < refs.length && written < fits; i++) {
        const r = refs[i];
        const memberId = r.id.toLowerCase();
        aside?.removed?.delete(memberId);
        this.links++;
        if (!GUID.test(memberId)) {
          (this.asideOf(id).other ??= []).push({ id: memberId, kind: r.kind });
          continue;
        }
        buf[at] = KIND_CODE.get(r.kind) ?? KINDS.length - 1;
        writeGuidBytes(buf, at + 1, memberId);
        at += RECORD;
        written++;
      }
      if (written === 0) continue;
      this.cursor += written;
      this.blockLive[block] += written;
      this.appendRun(s, start, written);
    }
  }

  remove(groupId: string, refs: readonly MemberRef[]): void {
    if (refs.length === 0) return;
    const id = groupId.toLowerCase();
    this.slot(id);
    const a = this.asideOf(id);
    a.removed ??= new Set();
    for (const r of refs) a.removed.add(r.id.toLowerCase());
  }

  /** The group's members in pages of `pageSize` (duplicates within the round may repeat: resolvers dedupe). */
  *pages(groupId: string, pageSize = 1000): Generator<MemberRef[]> {
    const id = groupId.toLowerCase();
    const s = this.slots.get(id);
    if (s === undefined) return;
    const aside = this.aside.get(id);
    let page: MemberRef[] = [];
    const push = (ref: MemberRef) => {
      if (aside?.removed?.has(ref.id)) return;
      page.push(ref);
      if (page.length >= pageSize) {
        const full = page;
        page = [];
        return full;
      }
      return undefined;
    };
    for (let r = this.head.get(s); r !== NONE; r = this.runNext.get(r)) {
      const start = this.runStart.get(r);
      const buf = this.blocks[Math.floor(start / this.blockRecords)]!;
      const from = (start % this.blockRecords) * RECORD;
      for (let k = 0; k < this.runLength.get(r); k++) {
        const at = from + k * RECORD;
        const full = push({ id: formatGuid(buf, IN_ORDER, at + 1), kind: KINDS[buf[at]] ?? 'other' });
        if (full) yield full;
      }
    }
    for (const r of aside?.other ?? []) {
      const full = push(r);
      if (full) yield full;
    }
    if (page.length) yield page;
  }

  /** Forget a group once nothing in the cycle needs its members any more (a later read goes to Graph). */
  release(groupId: string): void {
    const id = groupId.toLowerCase();
    const s = this.slots.get(id);
    if (s === undefined) return;
    const current = Math.floor(this.cursor / this.blockRecords);
    for (let r = this.head.get(s); r !== NONE; r = this.runNext.get(r)) {
      const n = this.runLength.get(r);
      const block = Math.floor(this.runStart.get(r) / this.blockRecords);
      this.links -= n;
      this.blockLive[block] -= n;
      // A block nothing lives in any more, and that is not being filled: let it go.
      if (this.blockLive[block] === 0 && block !== current) this.blocks[block] = undefined;
    }
    this.links -= this.aside.get(id)?.other?.length ?? 0;
    this.aside.delete(id);
    this.head.set(s, NONE);
    this.tail.set(s, NONE);
    this.slots.delete(id);
  }
}

/** The 16 bytes of a GUID already checked against GUID (lowercase dashed), in text order, without a dashless copy. */
function writeGuidBytes(buf: Buffer, at: number, guid: string): void {
  let o = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    buf[o++] = (hexNibble(guid.charCodeAt(i)) << 4) | hexNibble(guid.charCodeAt(i + 1));
  }
}

function hexNibble(c: number): number {
  return c <= 57 ? c - 48 : c - 87; // '0'–'9', 'a'–'f' (GUID.test passed: nothing else)
}
