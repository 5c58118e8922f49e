/** `status`: the job's state (last runs, delta link, managed groups, held deletes, quarantine). GroupWriteback.Status. */
import { defineOperation } from '../core/operation';
import type { ResolvedConfig } from '../config/types';
import type { RunSummary } from '../engine/summary';
import type { JobStore } from '../state/port';
import { configForStore, withStore, type ConfigParams } from './engine-support';

export const STATUS_TYPE = 'GroupWriteback.Status';

export async function statusView(config: ResolvedConfig, store: JobStore) {
  const doc = store.doc;
  const counts = { managed: 0, softDeleted: 0, released: 0 };
  for (const g of Object.values(doc.groups)) counts[g.status]++;
  const runs = await store.readRuns<RunSummary>();
  const last = runs[runs.length - 1];
  const lockInfo = await store.lockHolder();
  const holder = lockInfo && (lockInfo.pid !== process.pid || lockInfo.holder) ? lockInfo : undefined;
  const queued = store.pendingRequests?.() ?? [];
  const failed = Object.values(doc.failed);
  const state: 'Quarantined' | 'Held' | 'Running' | 'Failing' | 'NeverRun' | 'Healthy' = doc.quarantine
    ? 'Quarantined'
    : doc.held.some((b) => b.status === 'held')
      ? 'Held'
      : holder
        ? 'Running'
        : doc.consecutiveFailures > 0
          ? 'Failing'
          : !doc.lastCycleAt
            ? 'NeverRun'
            : 'Healthy';
  return {
    configName: config.name,
    configPath: config.configPath,
    statePath: config.state.path,
    store: store.kind,
    ...(store.kind === 'directory' ? { stateDn: store.location } : {}),
    state,
    running: holder ? { pid: holder.pid, host: holder.host, since: holder.startedAt, purpose: holder.purpose, ...(holder.expiresAt ? { leaseExpiresAt: holder.expiresAt, worker: holder.holder } : {}) } : null,
    queuedRequests: queued.map((r) => ({ op: r.op, at: r.at, by: r.by, ...(r.op === 'approve' && r.batchId ? { batchId: r.batchId } : {}) })),
    lastCycleAt: doc.lastCycleAt ?? null,
    lastFullCycleAt: doc.lastFullCycleAt ?? null,
    hasDeltaLink: !!doc.deltaLink,
    deltaLinkAt: doc.deltaLinkAt ?? null,
    nextCycle: !doc.deltaLink ? 'full' : doc.fullCycleRequested ? 'full' : 'delta',
    groups: counts,
    failedObjects: failed.length,
    failed: failed.slice(0, 20),
    heldBatches: doc.held
      .filter((b) => b.status !== 'applied')
      .map((b) => ({ batchId: b.id, status: b.status, createdAt: b.createdAt, count: b.actions.length, reason: b.reason, ...(b.approvedAt ? { approvedAt: b.approvedAt } : {}) })),
    quarantine: doc.quarantine ?? null,
    consecutiveFailures: doc.consecutiveFailures,
    lastFailure: doc.lastFailure ?? null,
    lastRun: last
      ? { cycleId: last.cycleId, mode: last.mode, status: last.status, startedAt: last.startedAt, durationMs: last.durationMs, errors: last.errors, groups: last.groups, members: last.members }
      : null,
  };
}

export const statusOp = defineOperation<ConfigParams>({
  name: 'status',
  summary: 'Show the job state: last runs, next cycle kind, managed groups, failed objects, held deletes, quarantine.',
  output: 'single',
  async run(params, ctx) {
    const config = configForStore(params, ctx);
    await withStore(config, ctx, async (store) => ctx.sink.result(STATUS_TYPE, await statusView(config, store)));
  },
});
