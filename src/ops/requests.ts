/**
 * Approvals and resets asked for on a worker that does not hold the directory lease are queued in the job's
 * object (StateRequest); the holder applies them, in order, right after taking the lease and before its cycle.
 * The same functions apply them directly under the file store's lock.
 */
import { hostname } from 'node:os';
import type { OperationContext } from '../core/operation';
import { approveBatch, clearQuarantine } from '../engine/safety';
import type { JobStore, StateRequest } from '../state/port';
import type { HeldBatch, Quarantine, StateDoc } from '../state/types';
import { serializeError } from '../core/errors';

export type RequestOutcome = { op: 'approve'; batch: HeldBatch } | { op: 'reset'; cleared: Quarantine | undefined };

/** Apply one request to a state document (throws like approveBatch when it does not apply). */
export function applyRequest(doc: StateDoc, r: StateRequest, now = new Date()): RequestOutcome {
  if (r.op === 'approve') return { op: 'approve', batch: approveBatch(doc, r.batchId, now) };
  const cleared = clearQuarantine(doc);
  if (r.full) doc.fullCycleRequested = 'reset requested a full cycle';
  if (r.clearFailed) doc.failed = {};
  return { op: 'reset', cleared };
}

export function newRequest<R extends Omit<StateRequest, 'at' | 'by'>>(r: R): R & { at: string; by: string } {
  return { ...r, at: new Date().toISOString(), by: `${process.env.USERNAME ?? process.env.USER ?? 'unknown'}@${hostname()}` };
}

/** The lock holder: apply queued requests and persist them at once (the store removes them with that save). */
export async function applyQueuedRequests(store: JobStore, ctx: OperationContext): Promise<void> {
  const pending = store.pendingRequests?.() ?? [];
  if (!pending.length) return;
  for (const r of pending) {
    try {
      const out = applyRequest(store.doc, r);
      ctx.sink.info(out.op === 'approve' ? `Applied an approval queued by ${r.by} at ${r.at}: batch ${out.batch.id} (${out.batch.actions.length} action(s)).` : `Applied a reset queued by ${r.by} at ${r.at}${out.cleared ? ': quarantine cleared' : ''}.`);
    } catch (err) {
      ctx.sink.warn(`A ${r.op} queued by ${r.by} at ${r.at} does not apply any more: ${serializeError(err).message}`);
    }
  }
  store.consumeRequests?.(pending);
  await store.save();
}
