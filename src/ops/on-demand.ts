/** `on-demand`: provision one group (and up to 5 named members) now, step by step (GroupWriteback.OnDemandStep). */
import { surface } from '../core/surface';
import { UsageError } from '../core/errors';
import { defineOperation, ExitCode } from '../core/operation';
import { provisionOnDemand } from '../engine/on-demand';
import { assertNotQuarantined } from '../engine/safety';
import { configFor, lockedSignal, withLockedStore, withPorts, type ConfigParams } from './engine-support';

export const ON_DEMAND_STEP_TYPE = 'GroupWriteback.OnDemandStep';

export interface OnDemandParams extends ConfigParams {
  /** Object id of the cloud group. */
  groupId: string;
  /** Object ids of up to 5 members (users or groups) to add or remove now. */
  memberIds?: string[];
  /** Report the steps without writing. */
  whatIf?: boolean;
}

export const onDemandOp = defineOperation<OnDemandParams>({
  name: 'on-demand',
  summary: 'Provision one group now (and optionally up to 5 named members), reporting each step as the portal does.',
  output: 'list',
  async run(params, ctx) {
    if (typeof params.groupId !== 'string' || !params.groupId.trim()) {
      throw new UsageError('No group was given.', { code: 'GroupIdMissing', target: 'groupId', hint: surface() === 'powershell' ? 'Pass -GroupId <objectId>.' : 'Pass --group <objectId>.' });
    }
    const config = configFor(params, ctx);
    return withLockedStore(config, ctx, 'on-demand provisioning', async (store, lock) => {
      if (!params.whatIf) assertNotQuarantined(store.doc);
      const steps = await withPorts(config, ctx, ({ mapper, ports }) =>
        provisionOnDemand({
          config,
          source: ports.source,
          target: ports.target,
          mapper,
          store,
          sink: ctx.sink,
          signal: lockedSignal(ctx, lock),
          groupId: params.groupId,
          ...(params.memberIds ? { memberIds: params.memberIds } : {}),
          dryRun: !!params.whatIf,
        }),
      );
      for (const s of steps) ctx.sink.result(ON_DEMAND_STEP_TYPE, s);
      const failed = steps.filter((s) => s.status === 'Failed');
      if (failed.some((s) => s.step !== 'Member')) return ExitCode.Failed;
      return failed.length ? ExitCode.PartialFailure : ExitCode.Ok;
    });
  },
});
