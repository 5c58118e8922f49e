/**
 * What a finished cycle tells its caller besides the summary object: warnings that name the next command (held
 * deletes, failed groups, quarantine) and, when groups failed, one summary error after every group was processed.
 * Printed even when the caller does not keep the summary (Start-GroupProvisioning without -PassThru).
 */
import { GwbError, serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import { say } from '../core/surface';
import type { RunSummary } from '../engine/summary';

export function reportCycle(s: RunSummary, sink: EventSink): void {
  if (s.quarantined) {
    sink.warn(`The job is now QUARANTINED: cycles stop until the cause is fixed (${s.quarantined.reason}). Fix it (${say.configTest()} helps), then run ${say.reset()}.`);
  }
  // A new held batch is announced where it is created (with its reason); one still waiting is recalled here.
  if (s.held && !s.held.new) {
    sink.warn(`${s.pendingHeld} delete(s)/empties still wait for approval (batch ${s.held.batchId}). Review them (${say.log('held')}), then run ${say.approve(s.held.batchId)}.`, { batchId: s.held.batchId });
  }
  if (s.errors > 0 && !s.failure) {
    const groups = s.groups.failed;
    sink.warn(`${groups} group(s) failed in this cycle (${s.errors} error(s)); the next cycle retries them. See ${say.log('failures', s.cycleId)}.`);
    sink.error(
      serializeError(
        new GwbError(`The ${s.mode} cycle ${s.cycleId} finished with ${groups} failed group(s) (${s.errors} error(s)); every other group was processed.`, {
          code: 'CyclePartiallyFailed',
          category: 'NotSpecified',
          target: s.cycleId,
          hint: `See ${say.log('failures', s.cycleId)}; the failed groups are retried by the next ${say.run()}.`,
        }),
      ),
    );
  }
}
