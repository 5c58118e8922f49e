/**
 * Undo a migration: remove exactly the stamps the journal says migrations wrote (and that still hold the value
 * written), and restore the configuration keys they changed (when they still hold the value written). Anything
 * changed since by someone else is left alone and reported.
 */
import { randomUUID } from 'node:crypto';
import { serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import type { AdGroup, AttributeChanges } from '../model/directory';
import { ANCHOR_ATTRIBUTE } from './apply';
import { configChangesInForce, stampsInForce, type JournalEntry, type MigrationJournal } from './journal';

export interface UndoDirectory {
  findByAnchor(anchor: string): Promise<AdGroup[]>;
  modifyGroup(dn: string, changes: AttributeChanges): Promise<void>;
}

export interface UndoResult {
  runId: string;
  unstamped: { dn: string; objectGuid: string; cloudId?: string; removed: string }[];
  left: { dn?: string; objectGuid?: string; reason: string }[];
  failed: { dn?: string; code: string; message: string }[];
  /** Configuration keys to restore (the caller writes them, journaling each). */
  config: JournalEntry[];
}

export async function undoStamps(o: { journal: MigrationJournal; directory: UndoDirectory; sink: EventSink; whatIf?: boolean }): Promise<UndoResult> {
  const runId = randomUUID();
  const entries = o.journal.read();
  const result: UndoResult = { runId, unstamped: [], left: [], failed: [], config: [...configChangesInForce(entries).values()] };
  const stamps = [...stampsInForce(entries).values()];
  let done = 0;
  for (const s of stamps) {
    const value = String(s.after);
    try {
      const found = (await o.directory.findByAnchor(value)).filter((g) => g.objectGuid.toLowerCase() === s.objectGuid!.toLowerCase());
      if (found.length === 0) {
        // A 'stamp' whose write never landed (kill), or a value changed by someone else since: nothing of ours.
        result.left.push({ dn: s.dn, objectGuid: s.objectGuid, reason: `does not carry ${ANCHOR_ATTRIBUTE} ${value} (any more): nothing to undo` });
        if (!o.whatIf) o.journal.append({ runId, op: 'unstamp', dn: s.dn, objectGuid: s.objectGuid, cloudId: s.cloudId, attribute: ANCHOR_ATTRIBUTE, before: null, after: null });
        continue;
      }
      const g = found[0];
      if (!o.whatIf) {
        o.journal.append({ runId, op: 'unstamp', dn: g.dn, objectGuid: g.objectGuid, cloudId: s.cloudId, attribute: ANCHOR_ATTRIBUTE, before: value, after: s.before ?? null });
        await o.directory.modifyGroup(g.dn, { [ANCHOR_ATTRIBUTE]: (s.before as string | null) ?? null });
      }
      result.unstamped.push({ dn: g.dn, objectGuid: g.objectGuid, ...(s.cloudId ? { cloudId: s.cloudId } : {}), removed: value });
    } catch (err) {
      const e = serializeError(err);
      result.failed.push({ dn: s.dn, code: e.code, message: e.message });
      o.sink.warn(`Could not remove the stamp on ${s.dn}: ${e.message}`);
    }
    done++;
    o.sink.progress({ activityId: 2, activity: 'Removing migration stamps', status: `${done} of ${stamps.length}`, percent: Math.floor((done * 100) / stamps.length), current: done, total: stamps.length });
  }
  o.sink.progress({ activityId: 2, activity: 'Removing migration stamps', status: 'Done', percent: 100, completed: true });
  return result;
}
