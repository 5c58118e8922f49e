/**
 * `watch`: one long-lived core that runs delta cycles every few seconds until stopped (Ctrl+C, SIGTERM,
 * Stop-Job: the operation's cancel). It keeps one Graph client and one LDAP pool, holds the state store's
 * lock (a directory lease is kept and renewed between cycles, so one worker of a group watches and the others
 * stand by; the file lock is taken per cycle so approve/reset can run in between), rides out DC and Graph
 * outages with exponential backoff (engine/watch-policy.ts) and never exits on a failed cycle.
 * Quiet cycles (nothing changed) are reported as verbose lines; cycles that changed or failed something emit
 * their GroupWriteback.RunSummary.
 */
import { abortScope, type AbortScope } from '../core/abort';
import { CancelledError, GwbError, UsageError, serializeError } from '../core/errors';
import type { OperationContext } from '../core/operation';
import { defineOperation, ExitCode } from '../core/operation';
import { runCycle } from '../engine/cycle';
import type { RunSummary } from '../engine/summary';
import { DEFAULT_WATCH_INTERVAL_MS, MIN_WATCH_INTERVAL_MS, isPassingFailure, nextWatchDelay } from '../engine/watch-policy';
import { StateLockedError } from '../state/errors';
import type { JobStore, StoreLock } from '../state/port';
import { configFor, closeStore, openStore, withPorts, type ConfigParams } from './engine-support';
import { LOG_ENTRY_TYPE, streamsLog } from './log';
import { applyQueuedRequests } from './requests';
import { RUN_SUMMARY_TYPE } from './run';

export interface WatchParams extends ConfigParams {
  /** Seconds between delta cycles (default 5). */
  intervalSeconds?: number;
  /** Stop after this many cycles (tests, benchmarks); default: until cancelled. */
  maxCycles?: number;
  /** Also emit every provisioning log entry as a GroupWriteback.LogEntry result (true, false = default, 'auto'). */
  streamLog?: boolean | 'auto';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function changedSomething(s: RunSummary): boolean {
  const g = s.groups as unknown as Record<string, number>;
  const touched = ['created', 'updated', 'renamed', 'moved', 'deleted', 'emptied', 'converted', 'held'].some((k) => (g[k] ?? 0) > 0);
  return touched || s.members.added > 0 || s.members.removed > 0 || s.errors > 0 || s.status !== 'success';
}

export const watchOp = defineOperation<WatchParams>({
  name: 'watch',
  summary: 'Run delta cycles every few seconds until stopped: changes reach AD in seconds; outages are ridden out.',
  output: 'stream',
  async run(params, ctx) {
    const config = configFor(params, ctx);
    const intervalMs = params.intervalSeconds === undefined ? DEFAULT_WATCH_INTERVAL_MS : Math.round(Number(params.intervalSeconds) * 1000);
    if (!Number.isFinite(intervalMs) || intervalMs < MIN_WATCH_INTERVAL_MS) {
      throw new UsageError(`The watch interval must be at least ${MIN_WATCH_INTERVAL_MS / 1000} second(s).`, { target: 'intervalSeconds', hint: 'Pass -Interval 5 (seconds), or leave it out for the default.' });
    }
    const streamLog = streamsLog(params.streamLog, config);
    const onLogEntry = streamLog ? (e: unknown) => ctx.sink.result(LOG_ENTRY_TYPE, e) : undefined;
    const keepLease = config.state.store === 'directory';
    ctx.sink.info(`Watching: a delta cycle every ${intervalMs / 1000} s (state: ${config.state.store}). Stop with Ctrl+C, SIGTERM or Stop-Job.`);

    await withPorts(config, ctx, async ({ mapper, ports }) => {
      let store: JobStore | undefined;
      let lock: StoreLock | undefined;
      /** Cancel or lease lost: made once per lock and unhooked from ctx.signal when the lock goes (core/abort.ts). */
      let scope: AbortScope | undefined;
      let failures = 0;
      let standbyNoted = '';
      let cycles = 0;
      const dropLock = async () => {
        scope?.dispose();
        scope = undefined;
        await lock?.release();
        lock = undefined;
        if (store) await closeStore(store);
        store = undefined;
      };
      try {
        while (!ctx.signal.aborted) {
          let delay = intervalMs;
          let lastError: unknown;
          try {
            if (!lock) {
              const opened = await openStore(config, ctx);
              try {
                lock = await opened.lock('watch');
                scope = abortScope(ctx.signal, lock.signal);
              } catch (err) {
                await closeStore(opened);
                throw err;
              }
              store = config.state.store === 'file' ? await reopen(opened, config, ctx) : opened;
              const prev = lock.info.tookOverFrom;
              if (prev) ctx.sink.info(`Took over the job from ${prev.holder}, whose lease expired at ${prev.expiresAt} (taken at ${lock.info.startedAt}).`);
              else if (standbyNoted) ctx.sink.info('This worker now holds the job and runs its cycles.');
              standbyNoted = '';
            } else if (keepLease) {
              await (store as JobStore & { refreshRequests?: () => Promise<void> }).refreshRequests?.();
            }
            await applyQueuedRequests(store!, ctx);
            if (store!.doc.quarantine) {
              ctx.sink.warn(`The job is quarantined (${store!.doc.quarantine.reason}); waiting for a reset (Reset-GroupProvisioning / gwb reset).`);
              delay = Math.max(intervalMs, 60_000);
            } else {
              // DCs given up during an earlier cycle (an outage, a restart) get another chance: the breaker fails
              // one cycle fast; it must not keep a DC that came back given up for the life of the watcher.
              ports.target.reviveConnections?.();
              const result = await runCycle({ config, source: ports.source, target: ports.target, mapper, store: store!, sink: ctx.sink, signal: scope?.signal ?? ctx.signal, countsTowardQuarantine: (e) => !isPassingFailure(e), ...(onLogEntry ? { onLogEntry } : {}) });
              cycles++;
              const s = result.summary;
              if (result.error !== undefined && !ctx.signal.aborted) {
                failures++;
                lastError = lock.signal?.aborted ? lock.signal.reason : result.error;
                const e = serializeError(lastError);
                delay = nextWatchDelay(intervalMs, failures, lastError);
                ctx.sink.warn(`Cycle failed (${e.code}: ${e.message}); next try in ${Math.round(delay / 1000)} s.`);
                ctx.sink.result(RUN_SUMMARY_TYPE, s);
              } else {
                if (failures) ctx.sink.info(`Recovered after ${failures} failed cycle(s).`);
                failures = 0;
                if (changedSomething(s)) ctx.sink.result(RUN_SUMMARY_TYPE, s);
                else ctx.sink.verbose(`Delta cycle: no change (${s.durationMs} ms).`);
              }
            }
          } catch (err) {
            if (ctx.signal.aborted) break;
            if (err instanceof StateLockedError) {
              const msg = serializeError(err).message;
              if (standbyNoted !== msg) ctx.sink.info(`Standing by: ${msg}`);
              standbyNoted = msg;
              delay = intervalMs;
            } else {
              failures++;
              lastError = err;
              delay = nextWatchDelay(intervalMs, failures, err);
              const e = serializeError(err);
              ctx.sink.warn(`Watch: ${e.code}: ${e.message}; next try in ${Math.round(delay / 1000)} s.`);
            }
          }
          // A lost lease (or, for the file store, every cycle) gives the lock back.
          if (lock && (!keepLease || lock.signal?.aborted || (lastError instanceof GwbError && lastError.code === 'StateLeaseLost'))) await dropLock();
          if (params.maxCycles !== undefined && cycles >= params.maxCycles) break;
          await sleep(delay, ctx.signal);
        }
      } finally {
        await dropLock();
      }
    });
    ctx.sink.info('Watch stopped.');
    if (ctx.signal.aborted && !(ctx.signal.reason instanceof CancelledError) && ctx.signal.reason instanceof Error) throw ctx.signal.reason;
    return ExitCode.Ok;
  },
});

/** The file store is re-read after its lock is taken. */
async function reopen(first: JobStore, config: Parameters<typeof openStore>[0], ctx: OperationContext): Promise<JobStore> {
  const store = await openStore(config, ctx);
  // The lock belongs to the folder, not the instance: the first instance is only closed.
  await closeStore(first);
  return store;
}
