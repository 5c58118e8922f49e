/**
 * `config.test` (Test-GroupWritebackConfiguration, `gwb config test`): check every prerequisite of a configuration
 * and report one row per check (GroupWriteback.ConfigurationCheck). Exit code 0 when none failed, else 1.
 */
import { defineOperation, ExitCode } from '../core/operation';
import { runDoctor } from '../doctor/run';
import { CHECK_TYPE } from '../doctor/types';
import { requireConfigPath } from './config-file';

export interface ConfigTestParams {
  configPath: string;
  /** Per-check network timeout (default 10 s). */
  timeoutMs?: number;
  /** Do not create/modify/delete a probe group. */
  skipWriteProbe?: boolean;
}

export const configTestOp = defineOperation<ConfigTestParams>({
  name: 'config.test',
  summary: 'Check the prerequisites of a configuration (Graph, permissions, LDAPS, TLS, bind, schema, OUs, rights).',
  output: 'list',
  async run(params, { sink, signal, secrets }) {
    const configPath = requireConfigPath(params.configPath);
    const activity = { activityId: 61, activity: 'Checking GroupWriteback prerequisites' };
    const rows = await runDoctor({
      configPath,
      secrets,
      signal,
      ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
      ...(params.skipWriteProbe ? { skipWriteProbe: true } : {}),
      onRow: (r) => {
        sink.verbose(`${r.status}: ${r.check}${r.target ? ` (${r.target})` : ''} — ${r.message}`);
        sink.result(CHECK_TYPE, r);
      },
      onProgress: (status, percent) => sink.progress({ ...activity, status, percent, ...(percent >= 100 ? { completed: true } : {}) }),
    });
    const failed = rows.filter((r) => r.status === 'Failed').length;
    if (failed) sink.warn(`${failed} prerequisite check(s) failed; each row's Fix says what to do.`);
    return failed ? ExitCode.Failed : ExitCode.Ok;
  },
});
