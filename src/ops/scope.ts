/** `scope`: which cloud groups are in scope, each with the reason (GroupWriteback.ScopeEntry). */
import { defineOperation } from '../core/operation';
import { openSource } from '../engine/connect';
import { scopeGroup } from '../engine/scope';
import type { Source } from '../model/ports';
import { configFor, type ConfigParams } from './engine-support';

export const SCOPE_ENTRY_TYPE = 'GroupWriteback.ScopeEntry';

export interface ScopeParams extends ConfigParams {
  /** Only groups in scope. */
  inScopeOnly?: boolean;
  /** Only groups out of scope. */
  outOfScopeOnly?: boolean;
}

export const scopeOp = defineOperation<ScopeParams>({
  name: 'scope',
  summary: 'List the cloud groups with whether they are in scope and why.',
  output: 'list',
  async run(params, ctx) {
    // Graph only: the directory password is neither needed nor demanded.
    const config = configFor(params, ctx, { secrets: ['tenant'] });
    const source = openSource(config, ctx.sink);
    let n = 0;
    let inScope = 0;
    try {
      for await (const page of source.listGroups(ctx.signal)) {
        for (const g of page) {
          const d = scopeGroup(g, config.scope);
          n++;
          if (d.inScope) inScope++;
          if ((params.inScopeOnly && !d.inScope) || (params.outOfScopeOnly && d.inScope)) continue;
          ctx.sink.result(SCOPE_ENTRY_TYPE, { ...d, groupId: d.groupId.toLowerCase() });
        }
        ctx.sink.progress({ activityId: 1, activity: 'Evaluating scope', status: `${n} groups read`, percent: -1 });
      }
    } finally {
      await (source as Source & { close?: () => Promise<void> }).close?.();
    }
    ctx.sink.progress({ activityId: 1, activity: 'Evaluating scope', status: 'Done', percent: 100, completed: true });
    ctx.sink.info(`${inScope} of ${n} groups are in scope.`);
  },
});
