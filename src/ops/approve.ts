/** `approve-deletes`: release one held batch of deletes; the next run applies exactly those. GroupWriteback.HeldBatch. */
import { defineOperation } from '../core/operation';
import { approveBatch } from '../engine/safety';
import type { HeldBatch } from '../state/types';
import { configForStore, withLockedStore, withStore, type ConfigParams } from './engine-support';
import { applyRequest, newRequest } from './requests';

export const HELD_BATCH_TYPE = 'GroupWriteback.HeldBatch';

export interface ApproveParams extends ConfigParams {
  /** The held batch (gwb status); optional when exactly one is held. */
  batchId?: string;
}

function view(batch: HeldBatch, queued: boolean) {
  return { batchId: batch.id, status: batch.status, createdAt: batch.createdAt, approvedAt: batch.approvedAt, reason: batch.reason, count: batch.actions.length, actions: batch.actions, ...(queued ? { queued: true } : {}) };
}

export const approveOp = defineOperation<ApproveParams>({
  name: 'approve-deletes',
  summary: 'Approve a batch of deletes held by the accidental-delete threshold; the next run applies exactly those.',
  output: 'single',
  async run(params, ctx) {
    const config = configForStore(params, ctx);
    if (config.state.store === 'directory') {
      // Shared state: checked against the current state (and approvals already queued), then queued for the
      // worker holding the lease, which applies it before its next cycle. No lease needed.
      await withStore(config, ctx, async (store) => {
        const preview = structuredClone(store.doc);
        for (const r of store.pendingRequests?.() ?? []) {
          try {
            applyRequest(preview, r);
          } catch {
            /* stale request: ignored by the holder too */
          }
        }
        const batch = approveBatch(preview, params.batchId || undefined);
        await store.enqueueRequest!(newRequest({ op: 'approve', batchId: batch.id }));
        ctx.sink.result(HELD_BATCH_TYPE, view(batch, true));
        ctx.sink.info(`Approved ${batch.actions.length} held action(s) of batch ${batch.id}; the next cycle on any worker applies them.`);
      });
      return;
    }
    await withLockedStore(config, ctx, 'approve-deletes', async (store) => {
      const batch = approveBatch(store.doc, params.batchId || undefined);
      await store.save();
      ctx.sink.result(HELD_BATCH_TYPE, view(batch, false));
      ctx.sink.info(`Approved ${batch.actions.length} held action(s) of batch ${batch.id}; the next run applies them.`);
    });
  },
});
