/**
 * The recorder of one cycle: every outcome goes through it once, and it fans out to the provisioning log, the
 * run summary counters, the plan stream (dry runs) and the event sink.
 */
import { createHash } from 'node:crypto';
import { GwbError, serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import type { LogEntry, ProvisioningLog } from '../state/log';
import type { FailedObject, StateDoc } from '../state/types';
import { emptyGroupCounts, type RunSummary } from './summary';
import type { PlanAction } from './types';

type FailContext = { dn?: string; displayName?: string | null; action?: LogEntry['action'] };

/** An error after which going on with the cycle is pointless (e.g. every domain controller given up). */
export function stopsCycle(err: unknown): boolean {
  return err instanceof GwbError && (err as GwbError & { stopsCycle?: boolean }).stopsCycle === true;
}

/** A connection-level failure (no answer, reset, refused): says nothing about the object itself. */
function isConnectionLevel(err: unknown): boolean {
  if (!(err instanceof GwbError)) return false;
  if ((err as GwbError & { resultCode?: number }).resultCode !== undefined) return false;
  return err.category === 'ConnectionError' || err.category === 'OperationTimeout';
}

export class Recorder {
  readonly groups = emptyGroupCounts();
  readonly members = { groups: 0, added: 0, removed: 0, skipped: 0 };
  /** Drift groups whose membership needed a fix. */
  driftRepaired = 0;
  errors = 0;
  readonly errorSamples: RunSummary['errorSamples'] = [];
  /** Object operations attempted / succeeded (for total-failure detection). */
  attempted = 0;
  succeeded = 0;
  private readonly failedNow = new Map<string, { code: string; message: string }>();
  /** Succeeded ids that are in the retry list (only those change it: see `retryListed`). */
  private readonly succeededNow = new Set<string>();
  /**
   * Whether a group is in the state's retry list at the cycle's start. Set by the cycle: a success matters only
   * for those (it takes them off the list), so the others are not remembered (50,000 groups, 50,000 ids).
   * Absent: every success is remembered.
   */
  retryListed?: (groupId: string) => boolean;
  /** Connection-level object failures, held back until the cycle's end (see `fail`). */
  private deferred: Array<[string, unknown, FailContext]> = [];
  /** Set when an error stopped the whole cycle (every DC given up). */
  stoppedBy: unknown;
  /** Called once with the first error that stops the cycle. */
  onStop?: (err: unknown) => void;
  /** Display names of the cycle's groups, so that every log row of a group names it (member rows too). */
  private readonly names = new Map<string, string>();

  constructor(
    readonly cycleId: string,
    readonly sink: EventSink,
    readonly log: ProvisioningLog | undefined,
    readonly dryRun: boolean,
    private readonly onAction?: (a: PlanAction) => void,
  ) {}

  /**
   * The change id of an object within this cycle: derived from the cycle id and the object id (a UUID-shaped
   * hash), so every log row of one object's change carries the same id without the cycle remembering one per
   * object (50,000 groups would be 50,000 held strings).
   */
  changeId(objectId: string): string {
    const h = createHash('sha256').update(this.cycleId).update('\0').update(objectId).digest();
    h[6] = (h[6] & 0x0f) | 0x40;
    h[8] = (h[8] & 0x3f) | 0x80;
    const x = h.toString('hex', 0, 16);
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  /** A planned action (dry run: streamed to the caller). */
  planned(action: PlanAction): void {
    this.onAction?.(action);
  }

  /** A group's log rows are all written (no further step this cycle): its name need not be held any more. */
  forgetName(groupId: string): void {
    this.names.delete(groupId);
  }

  /** Remember a group's display name for the log rows that do not carry it. */
  knowName(groupId: string, displayName: string | null | undefined): void {
    if (!displayName) return;
    if (this.names.size > 200_000) this.names.clear();
    this.names.set(groupId, displayName);
  }

  /** One provisioning log record (not written in dry runs). Rows of a known group get its display name. */
  record(entry: Omit<LogEntry, 'timestamp' | 'cycleId' | 'changeId'> & { changeId?: string }): void {
    const groupId = entry.groupId ?? (entry.sourceType === 'group' ? entry.sourceId : undefined);
    if (groupId && entry.displayName && !entry.memberName) this.knowName(groupId, entry.displayName);
    if (this.dryRun || !this.log) return;
    const objectId = entry.groupId ?? entry.sourceId ?? 'cycle';
    const name = entry.displayName ?? (groupId ? this.names.get(groupId) : undefined);
    this.log.append({ ...entry, ...(name ? { displayName: name } : {}), cycleId: this.cycleId, changeId: entry.changeId ?? this.changeId(objectId) });
  }

  /**
   * A failed object: logged, counted, reported as a non-terminating error, remembered for retry.
   *
   * An error that stops the cycle (every DC given up) is not this object's failure: it stops the cycle once,
   * and object failures after it are its echoes (dropped: the next run retries them). Connection-level failures
   * (timeout, reset) are held back until the cycle ends: if the cycle stops for a dead DC they are part of that
   * one error, otherwise they are reported then as ordinary object failures.
   */
  fail(groupId: string, err: unknown, context: FailContext = {}): void {
    if (stopsCycle(err)) {
      if (this.stoppedBy === undefined) {
        this.stoppedBy = err;
        this.onStop?.(err);
      }
      return;
    }
    if (this.stoppedBy !== undefined) return;
    if (isConnectionLevel(err)) {
      this.deferred.push([groupId, err, context]);
      return;
    }
    this.report(groupId, err, context);
  }

  /** End of cycle: report the held-back connection failures, unless the cycle was stopped (then only logged). */
  settleDeferred(): void {
    const held = this.deferred;
    this.deferred = [];
    for (const [groupId, err, context] of held) {
      if (this.stoppedBy === undefined) {
        this.report(groupId, err, context);
        continue;
      }
      const s = serializeError(err);
      this.record({ action: context.action ?? 'error', result: 'failure', sourceId: groupId, sourceType: 'group', ...(context.displayName ? { displayName: context.displayName } : {}), ...(context.dn ? { targetDn: context.dn } : {}), reason: 'cut short: the cycle was stopped (directory unavailable)', error: { code: s.code, message: s.message } });
    }
  }

  private report(groupId: string, err: unknown, context: FailContext): void {
    const s = serializeError(err);
    this.errors++;
    // Groups failed, not errors: a group that fails twice in a cycle (object and members) counts once.
    if (!this.failedNow.has(groupId)) this.groups.failed++;
    if (this.errorSamples.length < 20) this.errorSamples.push({ groupId, code: s.code, message: s.message });
    this.failedNow.set(groupId, { code: s.code, message: s.message });
    this.record({
      action: context.action ?? 'error',
      result: 'failure',
      sourceId: groupId,
      sourceType: 'group',
      ...(context.displayName ? { displayName: context.displayName } : {}),
      ...(context.dn ? { targetDn: context.dn } : {}),
      error: { code: s.code, message: s.message, ...(s.hint ? { hint: s.hint } : {}) },
    });
    if (this.dryRun) this.planned({ kind: 'error', groupId, displayName: context.displayName ?? null, ...(context.dn ? { dn: context.dn } : {}), code: s.code, message: s.message, ...(s.hint ? { hint: s.hint } : {}) });
    // The target is the group's object id (PowerShell's TargetObject): one value an admin can look up or pipe.
    this.sink.objectError({ ...s, target: groupId });
  }

  ok(groupId: string): void {
    if (!this.retryListed || this.retryListed(groupId)) this.succeededNow.add(groupId);
  }

  hasFailed(groupId: string): boolean {
    return this.failedNow.has(groupId);
  }

  /** Fold this cycle's failures and successes into the state's retry list. */
  updateFailed(doc: StateDoc, now: Date): void {
    const at = now.toISOString();
    for (const id of this.succeededNow) if (!this.failedNow.has(id)) delete doc.failed[id];
    for (const [id, error] of this.failedNow) {
      const prev: FailedObject | undefined = doc.failed[id];
      doc.failed[id] = { groupId: id, attempts: (prev?.attempts ?? 0) + 1, firstAt: prev?.firstAt ?? at, lastAt: at, error };
    }
  }
}
