/**
 * Migration apply: stamp msDS-ExternalDirectoryObjectId = adminDescription on the eligible Connect-written groups
 * (Microsoft's step 1), in batches, each stamp journaled before and after it is written. Rerunnable at any point:
 * each group is read again right before its stamp, and a group stamped by an earlier (killed) run is simply
 * "already anchored". Never stamps anything classify.ts did not call 'adopt'.
 */
import { randomUUID } from 'node:crypto';
import { CancelledError, GwbError, serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import type { AdGroup, AttributeChanges } from '../model/directory';
import { anchorOf } from '../engine/types';
import { adAttribute } from '../engine/match';
import type { MigrationGroup } from './classify';
import type { MigrationJournal } from './journal';

export const ANCHOR_ATTRIBUTE = 'msDS-ExternalDirectoryObjectId';

/** What stamping needs of the directory. */
export interface StampWriter {
  readGroup(dn: string): Promise<AdGroup | null>;
  modifyGroup(dn: string, changes: AttributeChanges): Promise<void>;
}

export interface StampFailure {
  dn: string;
  cloudId: string;
  code: string;
  message: string;
  hint?: string;
}

export interface StampResult {
  runId: string;
  stamped: MigrationGroup[];
  /** Eligible groups found changed since discovery (already stamped, marker changed…): not stamped, with reasons. */
  skipped: { dn: string; cloudId: string; reason: string }[];
  failed: StampFailure[];
}

export interface StampOptions {
  groups: readonly MigrationGroup[];
  directory: StampWriter;
  journal: MigrationJournal;
  sink: EventSink;
  signal?: AbortSignal;
  /** Groups per batch (progress, cancellation and the journal's fsyncs are per group; batches bound the pace). */
  batchSize?: number;
}

export async function stampGroups(o: StampOptions): Promise<StampResult> {
  const runId = randomUUID();
  const todo = o.groups.filter((g) => g.action === 'adopt');
  const result: StampResult = { runId, stamped: [], skipped: [], failed: [] };
  const size = Math.max(1, o.batchSize ?? 100);
  let done = 0;
  for (let i = 0; i < todo.length; i += size) {
    if (o.signal?.aborted) throw new CancelledError('The migration was cancelled; run it again to finish (stamped groups are kept and journaled).');
    for (const g of todo.slice(i, i + size)) {
      const anchor = anchorOf(g.cloudId);
      try {
        // Read again right before writing: the classification may be old (a rerun, a concurrent admin).
        const now = await o.directory.readGroup(g.dn);
        const marker = now ? String(adAttribute(now, 'adminDescription') ?? '') : '';
        if (!now || now.objectGuid !== g.objectGuid) {
          result.skipped.push({ dn: g.dn, cloudId: g.cloudId, reason: 'the object is gone or was replaced since discovery: run discovery again' });
          continue;
        }
        if (marker.toLowerCase() !== anchor.toLowerCase()) {
          result.skipped.push({ dn: g.dn, cloudId: g.cloudId, reason: `adminDescription changed since discovery (now ${marker || 'empty'}): run discovery again` });
          continue;
        }
        if (now.anchor) {
          result.skipped.push({ dn: g.dn, cloudId: g.cloudId, reason: now.anchor.toLowerCase() === anchor.toLowerCase() ? 'already stamped' : `now carries ${now.anchor}: run discovery again` });
          continue;
        }
        const entry = { runId, dn: g.dn, objectGuid: g.objectGuid, cloudId: g.cloudId, attribute: ANCHOR_ATTRIBUTE, before: null, after: anchor };
        o.journal.append({ ...entry, op: 'stamp' });
        await o.directory.modifyGroup(g.dn, { [ANCHOR_ATTRIBUTE]: anchor });
        o.journal.append({ ...entry, op: 'stamped' });
        result.stamped.push({ ...g, anchor, action: 'alreadyAnchored', reason: `stamped ${ANCHOR_ATTRIBUTE} ${anchor}` });
        o.sink.verbose(`Stamped ${ANCHOR_ATTRIBUTE}=${anchor} on ${g.dn}`);
      } catch (err) {
        if (err instanceof GwbError && err.code === 'MigrationJournalUnwritable') throw err;
        const e = serializeError(err);
        result.failed.push({ dn: g.dn, cloudId: g.cloudId, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
        o.sink.warn(`Could not stamp ${g.dn}: ${e.message}`);
      }
    }
    done = Math.min(todo.length, i + size);
    o.sink.progress({ activityId: 2, activity: 'Stamping msDS-ExternalDirectoryObjectId', status: `${done} of ${todo.length}`, percent: Math.floor((done * 100) / Math.max(1, todo.length)), current: done, total: todo.length });
  }
  o.sink.progress({ activityId: 2, activity: 'Stamping msDS-ExternalDirectoryObjectId', status: 'Done', percent: 100, completed: true });
  return result;
}
