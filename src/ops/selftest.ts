/**
 * `selftest`: exercises the bridge end to end. It emits the events it is asked to, then optionally fails in
 * one of the ways a real operation can (a thrown error, an abrupt process exit, a hang until cancelled).
 * Used by the module's Pester tests and by admins checking an installation (`gwb selftest`).
 */
import { defineOperation } from '../core/operation';
import { CancelledError, GwbError } from '../core/errors';
import type { CoreEvent } from '../core/events';

export interface SelftestParams {
  events?: CoreEvent[];
  fail?: 'throw' | 'crash' | 'hang';
  message?: string;
}

export const selftestOp = defineOperation<SelftestParams>({
  name: 'selftest',
  summary: 'Check the core and its bridge: emit test events, optionally fail on purpose.',
  output: 'list',
  async run(params, { sink, signal }) {
    const events = params.events ?? [
      { type: 'progress', activityId: 1, activity: 'Self-test', status: 'Checking the bridge', percent: 50 },
      { type: 'log', level: 'verbose', message: 'Bridge self-test: verbose stream works.' },
      { type: 'result', typeName: 'GroupWriteback.SelfTest', data: { check: 'bridge', passed: true } },
      { type: 'progress', activityId: 1, activity: 'Self-test', status: 'Done', percent: 100, completed: true },
    ];
    for (const e of events) sink.emit(e);
    const message = params.message ?? 'Self-test failure requested.';
    switch (params.fail) {
      case 'throw':
        throw new GwbError(message, { code: 'SelftestFailure', category: 'InvalidOperation', target: 'selftest', hint: 'This failure was requested on purpose.' });
      case 'crash':
        // An abrupt death, as from an out-of-memory kill or a native fault: no exit event is written.
        process.stderr.write(`FATAL: ${message}\n`);
        process.exit(70);
        break;
      case 'hang':
        await new Promise<void>((_resolve, reject) => {
          const timer = setInterval(() => {}, 1_000);
          signal.addEventListener('abort', () => {
            clearInterval(timer);
            reject(new CancelledError('Self-test cancelled.'));
          }, { once: true });
        });
        break;
    }
  },
});
