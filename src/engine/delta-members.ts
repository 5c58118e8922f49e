/**
 * The member changes (`members@delta`) a delta round carried, per group, held compactly until the member phase
 * applies them directly (member-delta.ts) — so a changed large group is not listed, resolved and read in full.
 *
 * Two MemberTables (17 bytes per GUID member): one of adds, one of removes. A group's changes may span several
 * pages (each page is already folded by delta-fold.ts); across pages the last state of a member wins: an add marks
 * the member "not removed" in the removes table and a remove marks it "not added" in the adds table (each table
 * filters the ids marked on its side when it pages them out).
 *
 * A group deleted (soft or hard) within the round is `tainted`: whatever it carried is dropped and it is not
 * applied directly (a restore after a delete is reconciled in full).
 */
import type { MemberRef } from '../model/cloud';
import { MemberTable } from './member-table';

export class DeltaMembers {
  private readonly adds = new MemberTable();
  private readonly removes = new MemberTable();
  /** Groups that carried member changes in the round. */
  private readonly changed = new Set<string>();
  private readonly tainted = new Set<string>();

  /** One page's member changes of a group (already folded within the page). */
  record(groupId: string, memberAdds: readonly MemberRef[], memberRemoves: readonly MemberRef[]): void {
    const id = groupId.toLowerCase();
    if (this.tainted.has(id) || (memberAdds.length === 0 && memberRemoves.length === 0)) return;
    this.changed.add(id);
    this.adds.add(id, memberAdds);
    this.removes.remove(id, memberAdds);
    this.removes.add(id, memberRemoves);
    this.adds.remove(id, memberRemoves);
  }

  /** The group was deleted within the round: forget its member changes and never apply it directly. */
  taint(groupId: string): void {
    const id = groupId.toLowerCase();
    this.tainted.add(id);
    this.release(id);
  }

  /** True when the round carried member changes for this group and they can be applied as they are. */
  has(groupId: string): boolean {
    const id = groupId.toLowerCase();
    return this.changed.has(id) && !this.tainted.has(id);
  }

  /** The group's net adds and removes (ids deduplicated; the last state of each member id). */
  changesOf(groupId: string): { adds: MemberRef[]; removes: MemberRef[] } {
    const id = groupId.toLowerCase();
    return { adds: collect(this.adds, id), removes: collect(this.removes, id) };
  }

  /** Member references held (for tests and memory accounting). */
  get memberCount(): number {
    return this.adds.memberCount + this.removes.memberCount;
  }

  release(groupId: string): void {
    const id = groupId.toLowerCase();
    this.changed.delete(id);
    this.adds.release(id);
    this.removes.release(id);
  }
}

function collect(table: MemberTable, id: string): MemberRef[] {
  const seen = new Set<string>();
  const out: MemberRef[] = [];
  for (const page of table.pages(id)) {
    for (const r of page) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
    }
  }
  return out;
}
