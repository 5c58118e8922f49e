/** `reset`: clear the quarantine (and optionally failed objects / force a full cycle). GroupWriteback.Status. */
import { defineOperation } from '../core/operation';
import { configForStore, withLockedStore, withStore, type ConfigParams } from './engine-support';
import { applyRequest, newRequest } from './requests';
import { STATUS_TYPE, statusView } from './status';

export interface ResetParams extends ConfigParams {
  /** Make the next cycle a full one (re-read everything, reconcile drift). */
  full?: boolean;
  /** Forget the failed objects' retry counters. */
  clearFailed?: boolean;
}

export const resetOp = defineOperation<ResetParams>({
  name: 'reset',
  summary: 'Clear the quarantine after fixing its cause; --full makes the next cycle a full one.',
  output: 'single',
  async run(params, ctx) {
    const config = configForStore(params, ctx);
    const request = newRequest({ op: 'reset' as const, ...(params.full ? { full: true } : {}), ...(params.clearFailed ? { clearFailed: true } : {}) });
    if (config.state.store === 'directory') {
      // Queued for the lease holder (which may be a watching worker that never lets go of the lease).
      await withStore(config, ctx, async (store) => {
        await store.enqueueRequest!(request);
        ctx.sink.info(`Reset queued${store.doc.quarantine ? ` (quarantined since ${store.doc.quarantine.since})` : ''}; the next cycle on any worker applies it first.`);
        ctx.sink.result(STATUS_TYPE, await statusView(config, store));
      });
      return;
    }
    await withLockedStore(config, ctx, 'reset', async (store) => {
      const out = applyRequest(store.doc, request);
      const q = out.op === 'reset' ? out.cleared : undefined;
      if (q) ctx.sink.info(`Cleared the quarantine (since ${q.since}: ${q.reason}).`);
      else ctx.sink.info('The job was not quarantined.');
      await store.save();
      ctx.sink.result(STATUS_TYPE, await statusView(config, store));
    });
  },
});
