/** `approve-deletes`: release one held batch of deletes; the next run applies exactly those. GroupWriteback.HeldBatch. */
import { defineOperation } from '../core/operation';
import { approveBatch } from '../engine/safety';
import { configFor, withLockedStore, type ConfigParams } from './engine-support';

export const HELD_BATCH_TYPE = 'GroupWriteback.HeldBatch';

export interface ApproveParams extends ConfigParams {
  /** The held batch (gwb status); optional when exactly one is held. */
  batchId?: string;
}

export const approveOp = defineOperation<ApproveParams>({
  name: 'approve-deletes',
  summary: 'Approve a batch of deletes held by the accidental-delete threshold; the next run applies exactly those.',
  output: 'single',
  async run(params, ctx) {
    const config = configFor(params, ctx, { secrets: false });
    await withLockedStore(config, ctx, 'approve-deletes', async (store) => {
      const batch = approveBatch(store.doc, params.batchId || undefined);
      store.save();
      ctx.sink.result(HELD_BATCH_TYPE, { batchId: batch.id, status: batch.status, createdAt: batch.createdAt, approvedAt: batch.approvedAt, reason: batch.reason, count: batch.actions.length, actions: batch.actions });
      ctx.sink.info(`Approved ${batch.actions.length} held action(s) of batch ${batch.id}; the next run applies them.`);
    });
  },
});
