/**
 * Ordered log of every tenant change, numbered by a sequence. Delta tokens carry the sequence they were minted
 * at; the next round replays the entries after it.
 */
import type { ObjectKind } from './types';

export type ChangeOp = 'create' | 'update' | 'softDelete' | 'restore' | 'hardDelete' | 'memberAdd' | 'memberRemove';

export interface Change {
  seq: number;
  kind: ObjectKind;
  id: string;
  op: ChangeOp;
  /** For `update`: the properties whose value changed. */
  props?: string[];
  /** For member ops: the member object and its type. */
  memberId?: string;
  memberKind?: ObjectKind;
  at: number;
}

export class ChangeLog {
  private entries: Change[] = [];
  private current = 0;

  get seq(): number {
    return this.current;
  }

  record(change: Omit<Change, 'seq' | 'at'>): Change {
    const entry: Change = { ...change, seq: ++this.current, at: Date.now() };
    this.entries.push(entry);
    return entry;
  }

  /** Entries with from < seq <= to for one object kind (binary search on the sorted log). */
  between(from: number, to: number, kind?: ObjectKind): Change[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].seq <= from) lo = mid + 1; else hi = mid;
    }
    const out: Change[] = [];
    for (let i = lo; i < this.entries.length && this.entries[i].seq <= to; i++) {
      const e = this.entries[i];
      if (!kind || e.kind === kind) out.push(e);
    }
    return out;
  }

  get length(): number {
    return this.entries.length;
  }
}
