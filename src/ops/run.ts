/** `run`: one provisioning cycle (delta, or full on first run / --full / expired token). GroupWriteback.RunSummary. */
import { CancelledError, serializeError } from '../core/errors';
import { defineOperation, exitCodeForError, ExitCode } from '../core/operation';
import { reportCycle } from './run-report';
import { runCycle } from '../engine/cycle';
import { assertNotQuarantined } from '../engine/safety';
import { LOG_ENTRY_TYPE, streamsLog } from './log';
import { configFor, lockedSignal, withLockedStore, withPorts, type ConfigParams } from './engine-support';

export const RUN_SUMMARY_TYPE = 'GroupWriteback.RunSummary';

export interface RunParams extends ConfigParams {
  /** Read everything and reconcile drift. */
  full?: boolean;
  /**
   * Also emit every provisioning log entry as a GroupWriteback.LogEntry result: true, false (default), or 'auto'
   * (with the directory store: the module passes it, so a runbook's output keeps the log of the worker that ran).
   */
  streamLog?: boolean | 'auto';
}

export const runOp = defineOperation<RunParams>({
  name: 'run',
  summary: 'Run one provisioning cycle: make AD match Entra ID (delta; --full reads everything and reverts drift).',
  output: 'single',
  async run(params, ctx) {
    const config = configFor(params, ctx);
    return withLockedStore(config, ctx, 'provisioning cycle', async (store, lock) => {
      assertNotQuarantined(store.doc);
      const result = await withPorts(config, ctx, ({ mapper, ports }) =>
        runCycle({ config, source: ports.source, target: ports.target, mapper, store, sink: ctx.sink, signal: lockedSignal(ctx, lock), full: !!params.full, ...(streamsLog(params.streamLog, config) ? { onLogEntry: (e) => ctx.sink.result(LOG_ENTRY_TYPE, e) } : {}) }),
      );
      const s = result.summary;
      ctx.sink.result(RUN_SUMMARY_TYPE, s);
      if (s.status === 'cancelled') throw result.error instanceof CancelledError ? result.error : new CancelledError('The cycle was cancelled.');
      if (result.error) {
        // The summary (with failure and quarantine) is the result; the error is reported once, as terminating.
        // A preflight or configuration error exits 2, like every configuration error.
        reportCycle(s, ctx.sink);
        ctx.sink.error(serializeError(result.error), true);
        return exitCodeForError(result.error, ctx.signal);
      }
      ctx.sink.info(
        `${s.mode === 'full' ? 'Full' : 'Delta'} cycle ${s.status}: ${s.groups.created} created, ${s.groups.updated} updated, ${s.groups.renamed + s.groups.moved} renamed/moved, ` +
          `${s.groups.deleted} deleted, ${s.groups.emptied} emptied, ${s.members.added} members added, ${s.members.removed} removed, ${s.errors} errors` +
          (s.held ? `; ${s.held.count} deletes HELD (batch ${s.held.batchId})` : '') +
          '.',
      );
      reportCycle(s, ctx.sink);
      if (s.status === 'held') return ExitCode.Held;
      if (s.status === 'partial') return ExitCode.PartialFailure;
      return ExitCode.Ok;
    });
  },
});
