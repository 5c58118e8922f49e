/** `reset`: clear the quarantine (and optionally failed objects / force a full cycle). GroupWriteback.Status. */
import { defineOperation } from '../core/operation';
import { clearQuarantine } from '../engine/safety';
import { configFor, withLockedStore, type ConfigParams } from './engine-support';
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
    const config = configFor(params, ctx, { secrets: false });
    await withLockedStore(config, ctx, 'reset', async (store) => {
      const q = clearQuarantine(store.doc);
      if (q) ctx.sink.info(`Cleared the quarantine (since ${q.since}: ${q.reason}).`);
      else ctx.sink.info('The job was not quarantined.');
      if (params.full) store.doc.fullCycleRequested = 'reset requested a full cycle';
      if (params.clearFailed) store.doc.failed = {};
      store.save();
      ctx.sink.result(STATUS_TYPE, statusView(config, store));
    });
  },
});
