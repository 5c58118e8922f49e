/** `plan` (-WhatIf): what the next run would do, as GroupWriteback.PlanAction records. Writes nothing. */
import { defineOperation } from '../core/operation';
import { runCycle } from '../engine/cycle';
import { configFor, withPorts, withStore, type ConfigParams } from './engine-support';
import { PLAN_ACTION_TYPE, planActionView } from './plan-view';

export interface PlanParams extends ConfigParams {
  /** Plan a full cycle (default: what `run` would do: delta when possible). */
  full?: boolean;
  /** Leave out skip records (excluded groups and members). Default false. */
  noSkips?: boolean;
}

export const planOp = defineOperation<PlanParams>({
  name: 'plan',
  summary: 'Show what the next cycle would change (creates, updates, renames, member adds/removes, deletes, skips) without writing.',
  output: 'list',
  async run(params, ctx) {
    const config = configFor(params, ctx);
    const result = await withStore(config, ctx, (store) => withPorts(config, ctx, ({ mapper, ports }) =>
      runCycle({
        config,
        source: ports.source,
        target: ports.target,
        mapper,
        store,
        sink: ctx.sink,
        signal: ctx.signal,
        full: !!params.full,
        dryRun: true,
        onAction: (a) => {
          if (params.noSkips && a.kind === 'skip') return;
          ctx.sink.result(PLAN_ACTION_TYPE, planActionView(a));
        },
      }),
    ));
    if (result.error) throw result.error;
    const s = result.summary;
    ctx.sink.info(
      `Plan (${s.mode}${s.fullReason ? `: ${s.fullReason}` : ''}): ${s.groups.created} to create, ${s.groups.updated} to update, ${s.groups.renamed + s.groups.moved} to rename/move, ` +
        `${s.members.added} member adds, ${s.members.removed} member removes, ${s.groups.deleted} deletes, ${s.groups.emptied} empties, ${s.groups.held} held, ${s.errors} errors.`,
    );
  },
});
