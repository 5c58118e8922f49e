/** `verify` (Test-GroupWritebackSync): a drift report from a full dry-run comparison (GroupWriteback.Drift). */
import { defineOperation, ExitCode } from '../core/operation';
import { runCycle } from '../engine/cycle';
import { driftOf } from '../engine/verify';
import { configFor, withPorts, withStore, type ConfigParams } from './engine-support';

export const DRIFT_TYPE = 'GroupWriteback.Drift';

export interface VerifyParams extends ConfigParams {
  /** Exit with code 3 (PartialFailure) when any drift is found. */
  failOnDrift?: boolean;
}

export const verifyOp = defineOperation<VerifyParams>({
  name: 'verify',
  summary: 'Compare AD with Entra ID now and report every difference (missing groups, attributes, members, unmanaged anchored objects).',
  output: 'list',
  async run(params, ctx) {
    const config = configFor(params, ctx);
    let drift = 0;
    const result = await withStore(config, ctx, (store) => withPorts(config, ctx, ({ mapper, ports }) =>
      runCycle({
        config,
        source: ports.source,
        target: ports.target,
        mapper,
        store,
        sink: ctx.sink,
        signal: ctx.signal,
        full: true,
        dryRun: true,
        onAction: (a) => {
          for (const d of driftOf(a)) {
            drift++;
            ctx.sink.result(DRIFT_TYPE, d);
          }
        },
      }),
    ));
    if (result.error) throw result.error;
    ctx.sink.info(drift === 0 ? 'AD matches Entra ID: no drift.' : `${drift} drift record(s) found.`);
    return drift > 0 && params.failOnDrift ? ExitCode.PartialFailure : ExitCode.Ok;
  },
});
