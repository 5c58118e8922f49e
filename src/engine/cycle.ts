/**
 * One provisioning cycle: scope → match → map → plan → apply, as a full cycle (first run, --full, expired
 * delta token, changed configuration: read everything, reconcile drift) or a delta cycle (only what Graph delta
 * reports changed, plus failed objects to retry). Lifecycle (soft delete, permanent delete, scope exit) and the
 * accidental-delete threshold apply to both. A dry run computes the same plan without writing anything.
 */
import { say } from '../core/surface';
import { createHash, randomUUID } from 'node:crypto';
import { abortScope } from '../core/abort';
import { CancelledError, GwbError, serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import type { ResolvedConfig } from '../config/types';
import type { CloudGroup } from '../model/cloud';
import type { AdGroup, DirectoryOpCounts } from '../model/directory';
import type { Source, Target } from '../model/ports';
import { ProvisioningLog, type LogEntry } from '../state/log';
import type { JobStore } from '../state/port';
import type { HeldBatch, StateDoc } from '../state/types';
import { chunk, mapLimit } from './concurrency';
import type { CycleEnv } from './env';
import { CycleGroupRefs } from './group-refs';
import { provisionGroupObject, type ObjectOutcome } from './group-step';
import { lifecycleAction, transitionDue } from './lifecycle';
import { applyApprovedBatches, applyLifecyclePhase } from './lifecycle-step';
import type { GroupMapper } from './map';
import { AnchorIndex, ConnectMarkerIndex, targetLookup } from './match';
import { MemberResolver } from './members';
import { MemberTable } from './member-table';
import { reconcileMembers, type MemberWork } from './member-step';
import { applyMemberDelta } from './member-delta';
import { DeltaMembers } from './delta-members';
import { Recorder, stopsCycle } from './recorder';
import { createMemberRemovalBatch, memberRemovalBatchId, pendingHeldGroupIds, pendingMemberRemoval, recordPassingFailure, recordSuccess, recordTotalFailure } from './safety';
import { closeDriftWindow, findDrift, supportsDrift } from './drift';
import { trackWrites } from './write-tracker';
import { runPreflight } from './preflight';
import { scopeGroup } from './scope';
import type { RunSummary } from './summary';
import { anchorOf, groupIdOfAnchor, type LifecycleAction, type LifecycleCause, type PlanAction } from './types';

export interface CycleOptions {
  config: ResolvedConfig;
  source: Source;
  target: Target;
  mapper: GroupMapper;
  store: JobStore;
  sink: EventSink;
  signal?: AbortSignal;
  /** Force a full cycle. */
  full?: boolean;
  /** Compute the plan only: no AD write, no state or log change. */
  dryRun?: boolean;
  /** Dry runs: each planned action as it is found. */
  onAction?: (action: PlanAction) => void;
  now?: () => Date;
  /**
   * Whether a failed cycle counts toward quarantine (default: every failure does). Watch mode rides out outages
   * and throttling instead (engine/watch-policy.ts): those failures are recorded but never quarantine the job.
   */
  countsTowardQuarantine?: (err: unknown) => boolean;
  /** Each provisioning log entry as it is written (it is always written to the local log too). */
  onLogEntry?: (entry: LogEntry) => void;
}

export interface CycleResult {
  summary: RunSummary;
  /** Set when the cycle failed as a whole (or was cancelled). */
  error?: unknown;
}

interface PhaseResult {
  deltaLink?: string;
  heldBatch?: { batchId: string; count: number; reason: string };
  pending: number;
}

/** Hash of the settings whose change requires re-evaluating every group. */
export function configHash(config: ResolvedConfig): string {
  const relevant = {
    scope: config.scope,
    target: config.target,
    mappings: config.mappings,
    membership: { provisionOnPremisesUsers: config.membership.provisionOnPremisesUsers, keepUnmanagedMembers: config.membership.keepUnmanagedMembers },
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 32);
}

/** Why this cycle must be full, or undefined for a delta cycle. */
export function fullCycleReason(doc: StateDoc, config: ResolvedConfig, forced: boolean): string | undefined {
  if (forced) return 'requested (--full)';
  if (!doc.deltaLink) return doc.lastFullCycleAt ? 'no delta link in the state store' : 'first run';
  if (doc.fullCycleRequested) return doc.fullCycleRequested;
  if (doc.configHash && doc.configHash !== configHash(config)) return 'the configuration changed (scope, target, mappings or membership)';
  return undefined;
}

export function isDeltaExpired(err: unknown): boolean {
  return err instanceof GwbError && (err.code === 'GraphDeltaExpired' || err.name === 'DeltaExpiredError');
}

function isCancelled(err: unknown, signal: AbortSignal): boolean {
  return err instanceof CancelledError || (signal.aborted && !(err instanceof GwbError));
}

function ldapCounts(target: Target): DirectoryOpCounts | undefined {
  const t = target as Target & { countOperations?: () => DirectoryOpCounts };
  return typeof t.countOperations === 'function' ? t.countOperations() : undefined;
}
function graphCounts(source: Source): Record<string, unknown> | undefined {
  const s = source as Source & { counts?: () => Record<string, unknown> };
  return typeof s.counts === 'function' ? s.counts() : undefined;
}

export async function runCycle(o: CycleOptions): Promise<CycleResult> {
  const outer = o.signal ?? new AbortController().signal;
  // The cycle's own stop: an error that makes going on pointless (every DC given up) aborts every worker and
  // Graph read at once, and becomes the cycle's one error. Unhooked from the caller's signal when the cycle ends:
  // a watcher's signal outlives thousands of cycles (core/abort.ts).
  const scope = abortScope(outer);
  try {
    return await cycleIn(o, outer, scope.controller, scope.signal);
  } finally {
    scope.dispose();
  }
}

async function cycleIn(o: CycleOptions, outer: AbortSignal, stop: AbortController, signal: AbortSignal): Promise<CycleResult> {
  const now = o.now ?? (() => new Date());
  const dryRun = !!o.dryRun;
  const started = now();
  const cycleId = randomUUID();
  const doc: StateDoc = dryRun ? structuredClone(o.store.doc) : o.store.doc;
  const log = dryRun ? undefined : new ProvisioningLog(o.store.logDir, o.onLogEntry);
  const rec = new Recorder(cycleId, o.sink, log, dryRun, o.onAction);
  rec.retryListed = (id) => Object.hasOwn(doc.failed, id);
  rec.onStop = (err) => {
    o.sink.verbose(`Stopping the cycle: ${serializeError(err).message}`);
    stop.abort(err);
  };
  const refs = new CycleGroupRefs(o.source, o.target, o.config.scope);
  const resolver = new MemberResolver(o.source, o.target, { provisionOnPremisesUsers: o.config.membership.provisionOnPremisesUsers }, refs);
  const tracked = trackWrites(o.target);
  const driftTarget = supportsDrift(o.target) ? o.target : undefined;
  let usnStart: string | undefined;
  const env: CycleEnv = { config: o.config, source: o.source, target: tracked.target, mapper: o.mapper, doc, rec, refs, resolver, signal, dryRun, now, memberHolds: [] };
  if (!dryRun) {
    env.checkpoint = async () => {
      log?.flush();
      await o.store.save();
    };
  }
  const phases: RunSummary['phases'] = [];
  let fullReason = fullCycleReason(doc, o.config, !!o.full);
  let mode: 'full' | 'delta' = fullReason ? 'full' : 'delta';
  let approved: RunSummary['approved'];
  let result: PhaseResult = { pending: 0 };
  let error: unknown;
  let status: RunSummary['status'] = 'success';

  const phase = async <T>(name: string, step: number, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    o.sink.progress({ activityId: 1, activity: dryRun ? 'Planning provisioning cycle' : 'Provisioning cycle', status: name, percent: Math.min(99, step * 14) });
    o.sink.verbose(`${name}…`);
    try {
      return await fn();
    } finally {
      phases.push({ name, ms: Date.now() - t });
    }
  };

  rec.record({ action: 'cycle', result: 'success', reason: `${mode} cycle started${fullReason ? ` (${fullReason})` : ''}` });
  try {
    const check = (o.target as Target & { checkConnection?: () => Promise<unknown> }).checkConnection;
    if (!dryRun && typeof check === 'function') await phase('Connecting to the directory', 0, () => check.call(o.target));
    // Before the first write (and for a plan too): what every write depends on. One error, not one per group.
    await phase('Checking target containers, rights and schema', 0, () => runPreflight(o.target, o.config));
    if (driftTarget) {
      await phase('Finding groups changed in AD (drift)', 0, async () => {
        usnStart = await driftTarget.highestCommittedUsn();
        env.drift = await findDrift(driftTarget, doc);
        if (env.drift.size) o.sink.verbose(`${env.drift.size} managed group(s) changed in AD since the last cycle: reconciling them.`);
      });
    }
    if (doc.held.some((b) => b.status === 'approved')) {
      approved = await phase('Applying approved deletes', 0, () => applyApprovedBatches(env));
    }
    if (mode === 'delta') {
      let delta: DeltaRead | undefined;
      try {
        delta = await phase('Reading Entra ID changes (delta)', 1, () => readDelta(env, doc.deltaLink!));
      } catch (err) {
        if (!isDeltaExpired(err)) throw err;
        // What the cut round held of member changes is not used by a full cycle.
        env.deltaMembers = undefined;
        mode = 'full';
        fullReason = `the delta token expired or was reset (${serializeError(err).message})`;
        o.sink.warn(`The Graph delta token is no longer valid: running a full cycle instead.`);
        rec.record({ action: 'cycle', result: 'warning', reason: `delta token expired: falling back to a full cycle` });
      }
      if (delta) result = await deltaCycle(env, delta, phase);
    }
    if (mode === 'full') result = await fullCycle(env, phase);
    if (driftTarget && usnStart && !dryRun) {
      const start = usnStart;
      await phase('Recording the directory USN', 7, () => closeDriftWindow(driftTarget, doc, start, tracked));
    }
  } catch (err) {
    error = err;
    status = isCancelled(err, outer) ? 'cancelled' : 'failed';
  }
  if (rec.stoppedBy === undefined && stopsCycle(error)) rec.stoppedBy = error;
  if (rec.stoppedBy !== undefined && !outer.aborted) {
    error = rec.stoppedBy;
    status = 'failed';
  }
  rec.settleDeferred();

  const finished = now();
  rec.updateFailed(doc, finished);
  let quarantined: RunSummary['quarantined'];
  if (!dryRun) {
    if (status === 'success') {
      doc.deltaLink = result.deltaLink ?? doc.deltaLink;
      doc.deltaLinkAt = finished.toISOString();
      doc.lastCycleAt = finished.toISOString();
      if (mode === 'full') {
        doc.lastFullCycleAt = finished.toISOString();
        delete doc.fullCycleRequested;
      }
      doc.configHash = configHash(o.config);
      doc.tenantId ??= o.config.tenant.tenantId;
      doc.baseDn ??= o.config.directory.baseDn;
      if (rec.attempted > 0 && rec.succeeded === 0 && rec.errors > 0) {
        const first = rec.errorSamples[0];
        const q = recordTotalFailure(doc, new GwbError(`Every object operation of the cycle failed; the first: ${first.message}`, { code: first.code }), o.config.safety.quarantineAfterFailures, finished);
        if (q) quarantined = { reason: q.reason, since: q.since };
      } else {
        recordSuccess(doc);
      }
    } else if (status === 'failed') {
      const counts = o.countsTowardQuarantine?.(error) ?? true;
      const q = counts ? recordTotalFailure(doc, error, o.config.safety.quarantineAfterFailures, finished) : recordPassingFailure(doc, error, finished);
      if (q) quarantined = { reason: q.reason, since: q.since };
      rec.record({ action: 'cycle', result: 'failure', reason: 'cycle failed', error: { code: serializeError(error).code, message: serializeError(error).message } });
    }
  }

  // The job stays held while any batch waits for approval.
  const waiting = doc.held.filter((b) => b.status === 'held');
  const heldInfo = result.heldBatch ?? (waiting.length ? { batchId: waiting[waiting.length - 1].id, count: waiting[waiting.length - 1].actions.length, reason: waiting[waiting.length - 1].reason } : undefined);
  if (status === 'success') {
    if (heldInfo) status = 'held';
    else if (rec.errors > 0) status = 'partial';
  }
  const summary: RunSummary = {
    cycleId,
    configName: o.config.name,
    mode,
    ...(fullReason && mode === 'full' ? { fullReason } : {}),
    dryRun,
    status,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    groups: rec.groups,
    members: rec.members,
    ...(heldInfo ? { held: { ...heldInfo, new: !!result.heldBatch } } : {}),
    pendingHeld: doc.held.filter((b) => b.status === 'held').reduce((n, b) => n + b.actions.length, 0),
    ...(approved?.length ? { approved } : {}),
    ...(env.drift ? { drift: { changedGroups: env.drift.size, repairedGroups: rec.driftRepaired } } : {}),
    errors: rec.errors,
    errorSamples: rec.errorSamples,
    ...(error !== undefined ? { failure: (({ code, message, hint }) => ({ code, message, ...(hint ? { hint } : {}) }))(serializeError(error)) } : {}),
    ...(quarantined ? { quarantined } : {}),
    phases,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuMs: (({ user, system }) => ({ user: Math.round(user / 1000), system: Math.round(system / 1000) }))(process.cpuUsage()),
  };
  const l = ldapCounts(o.target);
  if (l) summary.ldap = l;
  const gc = graphCounts(o.source);
  if (gc) summary.graph = gc;

  if (!dryRun) {
    rec.record({ action: 'cycle', result: status === 'success' || status === 'held' ? 'success' : status === 'partial' ? 'warning' : 'failure', reason: `${mode} cycle ${status}` });
    log?.close();
    log?.prune(o.config.log.retentionDays, finished);
    await o.store.saveWithRun(summary);
  }
  o.sink.progress({ activityId: 1, activity: dryRun ? 'Planning provisioning cycle' : 'Provisioning cycle', status: 'Done', percent: 100, completed: true });
  return error !== undefined ? { summary, error } : { summary };
}

type Phase = <T>(name: string, step: number, fn: () => Promise<T>) => Promise<T>;

function objectConcurrency(env: CycleEnv): number {
  // Workers wait on Graph as much as on LDAP (a create first reads its members), so run twice as many workers as
  // LDAP connections: the pool bounds directory concurrency, this bounds Graph concurrency and memory (8 groups).
  // One connection means one group at a time, strictly in order (for a DC that must not be loaded).
  const connections = env.config.directory.connections;
  return connections <= 1 ? 1 : Math.min(connections * 2, 8);
}

function reportProgress(env: CycleEnv, activity: string, done: number, total: number): void {
  if (total === 0 || (done % 50 !== 0 && done !== total)) return;
  env.rec.sink.progress({ activityId: 2, parentActivityId: 1, activity, status: `${done} of ${total}`, percent: Math.floor((done * 100) / total), current: done, total, ...(done === total ? { completed: true } : {}) });
}

function skipGroup(env: CycleEnv, g: { id: string; displayName: string | null }, reason: string, extra: { code?: string; dn?: string } = {}): void {
  env.rec.record({ action: 'skip', result: 'skipped', sourceId: g.id.toLowerCase(), sourceType: 'group', ...(g.displayName ? { displayName: g.displayName } : {}), ...(extra.dn ? { targetDn: extra.dn } : {}), reason });
  if (env.dryRun) env.rec.planned({ kind: 'skip', sourceId: g.id.toLowerCase(), sourceType: 'group', displayName: g.displayName, reason, ...extra });
}

/**
 * The object step for every group (a CloudGroup, or the patch readAllGroups holds), at most `objectConcurrency` at
 * a time. Each group is let go as soon as its step starts (`groups` is emptied as it goes) and each outcome is reduced by `keep` to what later phases
 * need (undefined: nothing): at 50,000 groups the cycle must not hold every group's properties and outcome.
 */
async function objectPhase<R = ObjectOutcome>(
  env: CycleEnv,
  groups: (CloudGroup | GroupPatch | undefined)[],
  lookup: Parameters<typeof provisionGroupObject>[2],
  keep: (r: ObjectOutcome) => R | undefined = (r) => r as R,
): Promise<R[]> {
  let done = 0;
  const total = groups.length;
  const out = await mapLimit(
    groups,
    objectConcurrency(env),
    async (item, i) => {
      groups[i] = undefined;
      const g = cloudGroupOf(item!);
      env.rec.knowName(g.id.toLowerCase(), g.displayName);
      const r = await provisionGroupObject(env, g, lookup);
      // Created with its members inline, or failed: the member phase will not read this group's members.
      if (r.deferredMembers !== undefined || !r.ok) env.members?.release(r.groupId);
      reportProgress(env, 'Groups', ++done, total);
      const kept = keep(r);
      // No later step of this group: its log rows are written, its name need not be held.
      if (kept === undefined && !env.rec.hasFailed(r.groupId)) env.rec.forgetName(r.groupId);
      return kept;
    },
    env.signal,
  );
  return out.filter((r): r is Awaited<R> & R => r !== undefined);
}

/**
 * The member phase's work for provisioned groups. A group created with its members inline needs only its
 * deferred nested groups (none: nothing left to do); every other group is reconciled in full.
 */
function memberWork(r: ObjectOutcome, drift?: CycleEnv['drift']): MemberWork | undefined {
  if (!r.ok || !r.dn) return undefined;
  const changed = drift?.get(r.groupId);
  const w: MemberWork = { groupId: r.groupId, displayName: r.displayName, dn: r.dn, created: !!r.created, ...(changed ? { drift: changed } : {}) };
  if (!r.deferredMembers) return w;
  return r.deferredMembers.length ? { ...w, deferred: r.deferredMembers } : undefined;
}

/** Reconcile memberships; member removals the guard held become one batch. */
async function memberPhase(env: CycleEnv, work: MemberWork[]): Promise<HeldBatch | undefined> {
  let done = 0;
  await mapLimit(
    work,
    objectConcurrency(env),
    async (w) => {
      if (w.direct) await applyMemberDelta(env, w);
      else await reconcileMembers(env, w);
      env.members?.release(w.groupId);
      env.deltaMembers?.release(w.groupId);
      reportProgress(env, 'Memberships', ++done, work.length);
    },
    env.signal,
  );
  if (!env.memberHolds.length) return undefined;
  const percent = env.config.safety.memberRemovalThreshold.percent;
  if (env.dryRun) {
    // The plan names the batch the run would hold: its id is derived from its content, so it is the same id.
    const holds = env.memberHolds.splice(0);
    const members = holds.reduce((n, a) => n + (a.memberDns?.length ?? 0), 0);
    const batchId = memberRemovalBatchId(env.doc, holds, percent);
    env.rec.sink.warn(`The member-removal guard would hold ${members} member removals in ${holds.length} group(s) as batch ${batchId} in a real run; review them after that run, then approve with ${say.approve(batchId)}.`, { batchId });
    return undefined;
  }
  const batch = createMemberRemovalBatch(env.doc, env.rec.cycleId, env.memberHolds.splice(0), percent, env.now());
  env.rec.sink.warn(`${batch.reason} None of them was applied; review them, then approve with ${say.approve(batch.id)}.`, { batchId: batch.id });
  return batch;
}

function heldOf(life: { held?: HeldBatch }, members: HeldBatch | undefined): Pick<PhaseResult, 'heldBatch'> {
  const b = life.held ?? members;
  return b ? { heldBatch: { batchId: b.id, count: b.actions.length, reason: b.reason } } : {};
}

function checkAborted(env: CycleEnv): void {
  if (env.signal.aborted) throw new CancelledError('The cycle was cancelled.');
}

/** Keep a soft-deleted group empty (drift: members added in AD meanwhile). Not counted as a delete. */
async function keepEmpty(env: CycleEnv, groupId: string, dn: string): Promise<void> {
  try {
    const members = await env.target.readMembers(dn);
    if (!members.length) return;
    if (env.dryRun) {
      env.rec.planned({ kind: 'memberRemove', groupId, displayName: null, dn, memberDns: members });
      env.rec.members.removed += members.length;
      return;
    }
    for (const batch of chunk(members, env.config.membership.batchSize)) await env.target.removeMembers(dn, batch);
    env.rec.members.removed += members.length;
    env.rec.record({ action: 'memberRemove', result: 'success', sourceId: groupId, sourceType: 'group', groupId, targetDn: dn, count: members.length, modified: [{ attribute: 'member', old: members, new: null }], reason: 'soft-deleted in Entra ID: membership kept empty' });
  } catch (err) {
    env.rec.fail(groupId, err, { dn });
  }
}

// ------------------------------------------------------------------------------------------------ full cycle

/**
 * Every group and its direct members from an initial `groups/delta` round (`$select=…,members`): the groups'
 * properties as the delta entries carried them, the members into the cycle's MemberTable (compact). A large
 * group arrives in several chunks on several pages; its properties are merged, its members appended. A group
 * seen only in continuation chunks without its properties is read by id afterwards.
 *
 * Each group's properties are held as the patch object the delta page gave (no copy, no defaults: `cloudGroupOf`
 * makes the CloudGroup at its object step) and let go as its object step starts. (Held as JSON strings instead
 * they took more, not less: JSON repeats every key and null.)
 */
type GroupPatch = Partial<CloudGroup> & { id: string };

async function readAllGroups(env: CycleEnv): Promise<{ groups: GroupPatch[]; deltaLink: string }> {
  const table = (env.members = new MemberTable());
  const seen = new Map<string, GroupPatch>();
  const deltaLink = await env.source.delta(
    undefined,
    async (page) => {
      checkAborted(env);
      for (const c of page.changes) {
        if (c.kind !== 'upsert') {
          // Not expected on an initial round (current state only): a group gone meanwhile is simply not there.
          seen.delete(c.id.toLowerCase());
          table.release(c.id);
          continue;
        }
        const id = c.group.id.toLowerCase();
        const prev = seen.get(id);
        if (prev !== undefined) {
          const { extra, ...rest } = c.group;
          Object.assign(prev, rest);
          if (extra) prev.extra = { ...(prev.extra ?? {}), ...extra };
        } else seen.set(id, c.group);
        table.touch(id);
        table.add(id, c.memberAdds);
        table.remove(id, c.memberRemoves);
      }
    },
    env.signal,
  );
  const groups: GroupPatch[] = [];
  const unread: string[] = [];
  for (const [id, g] of seen) {
    if (!('displayName' in g)) unread.push(id);
    else groups.push(g);
  }
  seen.clear();
  for (const part of chunk(unread, 1000)) groups.push(...(await env.source.getGroups(part, env.signal)));
  return { groups, deltaLink };
}

/** A group as readAllGroups holds it, with the properties a delta entry may omit as null. */
function cloudGroupOf(g: GroupPatch): CloudGroup {
  return { displayName: null, description: null, securityEnabled: null, mailEnabled: null, groupTypes: [], onPremisesSyncEnabled: null, onPremisesSecurityIdentifier: null, ...g };
}

async function fullCycle(env: CycleEnv, phase: Phase): Promise<PhaseResult> {
  const { source, target, rec, refs, doc, config, signal } = env;
  refs.complete = true;
  doc.nestedWaiting = {};

  // One initial delta round reads every group WITH its members (1 RU a page instead of one members request
  // per group) and ends in the delta link for the next cycle.
  const read = await phase('Reading Entra ID groups and members (initial delta round)', 2, () => readAllGroups(env));
  // In-scope ids for the whole cycle; the CloudGroups themselves only until their object step (objectPhase).
  const inScope = new Set<string>();
  const toProvision: GroupPatch[] = [];
  for (const patch of read.groups.splice(0)) {
    const g = cloudGroupOf(patch);
    rec.groups.read++;
    const id = g.id.toLowerCase();
    const d = scopeGroup(g, config.scope);
    if (d.inScope) {
      inScope.add(id);
      toProvision.push(patch);
      rec.groups.inScope++;
    } else {
      env.members?.release(id);
      refs.outOfScope.set(id, d.reason);
      rec.groups.outOfScope++;
      skipGroup(env, g, d.reason);
    }
  }
  const deltaLink = env.dryRun ? undefined : read.deltaLink;
  const deleted = await phase('Reading deleted groups', 2, async () => new Set([...(await source.listDeletedGroupIds(signal))].map((x) => x.toLowerCase())));
  const index = new AnchorIndex();
  const connect = new ConnectMarkerIndex();
  await phase('Reading AD groups (match)', 3, async () => {
    for await (const page of target.listAnchoredGroups(signal)) {
      for (const g of page) {
        index.add(g);
        connect.add(g);
      }
    }
    if (target.listUnanchoredConnectGroups) for await (const page of target.listUnanchoredConnectGroups(signal)) for (const g of page) connect.add(g);
  });

  // Only the member phase's work is kept of each outcome (most groups created with their members need none).
  const work = await phase('Provisioning groups', 4, () =>
    objectPhase(env, toProvision, { byAnchor: (a) => index.get(a), bySid: (s) => target.findBySid(s), byConnectMarker: (a) => connect.get(a) }, (r) => memberWork(r, env.drift)),
  );
  checkAborted(env);
  await env.checkpoint?.();

  // Lifecycle: AD groups with our anchor whose cloud group is not in scope.
  const actions: LifecycleAction[] = [];
  const adById = new Map<string, AdGroup>();
  const keepEmptyList: { id: string; dn: string }[] = [];
  for (const [anchor, ads] of index.entries()) {
    const id = groupIdOfAnchor(anchor);
    if (!id || inScope.has(id)) continue;
    if (ads.length > 1) {
      rec.fail(id, new GwbError(`${ads.length} AD objects carry the anchor ${anchorOf(id)}: ${ads.map((g) => g.dn).join('; ')}`, { code: 'DuplicateTargetEntries', category: 'InvalidData', target: id, hint: 'Delete the stray copy or clear msDS-ExternalDirectoryObjectId on it.' }));
      continue;
    }
    const ad = ads[0];
    const record = doc.groups[id];
    const cause: LifecycleCause = deleted.has(id) ? 'softDelete' : refs.outOfScope.has(id) ? 'scopeExit' : 'permanentDelete';
    if (!record) {
      skipGroup(
        env,
        { id, displayName: (ad.attributes.displayName as string) ?? null },
        `AD group ${ad.dn} carries this group's anchor but the state store does not know it as managed (${cause === 'softDelete' ? 'soft-deleted' : cause === 'scopeExit' ? 'out of scope' : 'not in Entra'}): left as is`,
        { code: 'UnmanagedAnchoredObject', dn: ad.dn },
      );
      continue;
    }
    if (!transitionDue(cause, record.status)) {
      if (cause === 'softDelete' && record.status === 'softDeleted' && config.lifecycle.onSoftDelete === 'empty') keepEmptyList.push({ id, dn: ad.dn });
      continue;
    }
    adById.set(id, ad);
    const extra = cause === 'scopeExit' ? refs.outOfScope.get(id) : undefined;
    actions.push(lifecycleAction(cause, config.lifecycle, ad, id, (ad.attributes.displayName as string) ?? null, extra));
  }
  await confirmPermanentDeletes(env, actions, adById);
  // Forget records whose AD object is gone and that are not in scope.
  const pendingIds = pendingHeldGroupIds(doc);
  for (const id of Object.keys(doc.groups)) {
    if (!inScope.has(id) && index.get(anchorOf(id)).length === 0 && !pendingIds.has(id)) delete doc.groups[id];
  }
  const life = await phase('Applying deletes and scope exits', 5, () => applyLifecyclePhase(env, actions, adById));
  for (const k of keepEmptyList) await keepEmpty(env, k.id, k.dn);

  const memberHeld = await phase('Provisioning memberships', 6, () => memberPhase(env, work));
  checkAborted(env);
  return {
    ...(deltaLink ? { deltaLink } : {}),
    ...heldOf(life, memberHeld),
    pending: life.pending,
  };
}

/**
 * A group missing from both the listing and deleted items is "permanently deleted" — or the listing was cut
 * short. Ask Graph for each by id before deleting anything: one that still exists proves the listing broken, and
 * is neither deleted nor counted as a delete (an error for it instead; the next cycle reads again).
 */
async function confirmPermanentDeletes(env: CycleEnv, actions: LifecycleAction[], adById: Map<string, AdGroup>): Promise<void> {
  const unconfirmed = actions.filter((a) => a.cause === 'permanentDelete' && a.kind !== 'leave');
  if (!unconfirmed.length) return;
  const present = new Set<string>();
  for (const part of chunk(unconfirmed.map((a) => a.groupId), 1000)) for (const g of await env.source.getGroups(part, env.signal)) present.add(g.id.toLowerCase());
  for (const a of unconfirmed) {
    if (!present.has(a.groupId)) continue;
    actions.splice(actions.indexOf(a), 1);
    adById.delete(a.groupId);
    env.rec.fail(
      a.groupId,
      new GwbError(`Group ${a.groupId} exists in Entra ID but the group listing did not return it: the listing was cut short, so ${a.dn} is not deleted.`, {
        code: 'IncompleteGroupListing',
        category: 'ReadError',
        target: a.groupId,
        hint: 'Nothing was deleted; the next cycle reads the groups again.',
      }),
      { dn: a.dn, displayName: a.displayName },
    );
  }
}

// ------------------------------------------------------------------------------------------------ delta cycle

interface FoldedChange {
  kind: 'upsert' | 'softDeleted' | 'deleted';
  membersChanged: boolean;
}

interface DeltaRead {
  changes: Map<string, FoldedChange>;
  link: string;
}

/** Read a whole delta round first (no writes yet), folding pages per group. */
async function readDelta(env: CycleEnv, link: string): Promise<DeltaRead> {
  const changes = new Map<string, FoldedChange>();
  // Each changed group's member adds/removes, compact, for the groups whose changes can be applied directly.
  const memberChanges = (env.deltaMembers = new DeltaMembers());
  const next = await env.source.delta(
    link,
    async (page) => {
      checkAborted(env);
      for (const c of page.changes) {
        const id = (c.kind === 'upsert' ? c.group.id : c.id).toLowerCase();
        if (c.kind === 'upsert') {
          const prev = changes.get(id);
          const members = c.memberAdds.length > 0 || c.memberRemoves.length > 0;
          changes.set(id, { kind: 'upsert', membersChanged: members || (prev?.kind === 'upsert' && prev.membersChanged) });
          memberChanges.record(id, c.memberAdds, c.memberRemoves);
        } else {
          changes.set(id, { kind: c.kind, membersChanged: false });
          memberChanges.taint(id);
        }
      }
    },
    env.signal,
  );
  return { changes, link: next };
}

/**
 * Whether a changed group's member changes may be applied as the delta round carried them, instead of a full
 * reconcile: the round carried them (not only a property change), the group is managed and did not fail before,
 * it did not change in AD outside the engine (drift: the full reconcile repairs it), no member removal of it waits
 * for approval, and Graph can count its members (the member-removal guard's base). The member phase adds: the
 * object step found it as it was (not created or re-created this cycle).
 */
function canApplyDirectly(env: CycleEnv, id: string, change: FoldedChange): boolean {
  const { doc } = env;
  return (
    change.kind === 'upsert' &&
    change.membersChanged &&
    !!env.deltaMembers?.has(id) &&
    doc.groups[id]?.status === 'managed' &&
    !doc.failed[id] &&
    !env.drift?.has(id) &&
    !pendingMemberRemoval(doc, id) &&
    typeof env.source.countMembers === 'function'
  );
}

async function deltaCycle(env: CycleEnv, delta: DeltaRead, phase: Phase): Promise<PhaseResult> {
  const { source, target, rec, refs, doc, config, signal } = env;
  const upsertIds = [...delta.changes].filter(([, c]) => c.kind === 'upsert').map(([id]) => id);
  const retryIds = Object.keys(doc.failed).filter((id) => !delta.changes.has(id));
  // Groups changed in AD only (drift): reconciled like a changed cloud group.
  const driftIds = [...(env.drift?.keys() ?? [])].filter((id) => !delta.changes.has(id) && !doc.failed[id]);
  const fetched = new Map<string, CloudGroup>();
  await phase('Reading changed groups', 2, async () => {
    for (const part of chunk([...upsertIds, ...retryIds, ...driftIds], 1000)) for (const g of await source.getGroups(part, signal)) fetched.set(g.id.toLowerCase(), g);
  });

  const inScope = new Map<string, CloudGroup>();
  const needMembers = new Set<string>();
  /** Groups whose member changes are applied as the delta carried them (member-delta.ts). */
  const direct = new Set<string>();
  const candidates: { id: string; cause: LifecycleCause }[] = [];
  for (const [id, change] of delta.changes) {
    rec.groups.read++;
    const record = doc.groups[id];
    if (change.kind === 'upsert') {
      const g = fetched.get(id);
      if (!g) {
        skipGroup(env, { id, displayName: null }, 'changed group not found in Entra ID (deleted since? the next delta reports it)');
        continue;
      }
      const d = scopeGroup(g, config.scope);
      if (d.inScope) {
        inScope.set(id, g);
        rec.groups.inScope++;
        if (change.membersChanged || record?.status !== 'managed' || doc.failed[id]) needMembers.add(id);
        if (canApplyDirectly(env, id, change)) direct.add(id);
      } else {
        refs.outOfScope.set(id, d.reason);
        rec.groups.outOfScope++;
        if (record && record.status !== 'released') candidates.push({ id, cause: 'scopeExit' });
        else skipGroup(env, g, d.reason);
      }
    } else if (record && record.status !== 'released') {
      candidates.push({ id, cause: change.kind === 'softDeleted' ? 'softDelete' : 'permanentDelete' });
    }
  }
  let deletedIds: Set<string> | undefined;
  for (const id of retryIds) {
    const g = fetched.get(id);
    if (!g) {
      // Gone from Entra: a failed delete/empty is retried as the lifecycle action it was.
      const record = doc.groups[id];
      delete doc.failed[id];
      if (record && record.status !== 'released') {
        deletedIds ??= new Set([...(await source.listDeletedGroupIds(signal))].map((x) => x.toLowerCase()));
        candidates.push({ id, cause: deletedIds.has(id) ? 'softDelete' : 'permanentDelete' });
      }
      continue;
    }
    const d = scopeGroup(g, config.scope);
    if (d.inScope) {
      inScope.set(id, g);
      needMembers.add(id);
    } else delete doc.failed[id];
  }

  for (const id of driftIds) {
    const g = fetched.get(id);
    // Gone from Entra or out of scope: the delta reports it and the lifecycle handles it.
    if (!g || !scopeGroup(g, config.scope).inScope) continue;
    inScope.set(id, g);
    needMembers.add(id);
  }

  const outcomes = await phase('Provisioning groups', 3, () => objectPhase(env, [...inScope.values()], targetLookup(target)));
  checkAborted(env);

  // Nested references waiting for a group that is now provisioned: reconcile those parents too.
  const parents = new Set<string>();
  for (const r of outcomes) {
    if (!r.ok || r.previousStatus === 'managed') continue;
    for (const p of doc.nestedWaiting?.[r.groupId] ?? []) if (!inScope.has(p)) parents.add(p);
    if (!env.dryRun && doc.nestedWaiting) delete doc.nestedWaiting[r.groupId];
  }

  const actions: LifecycleAction[] = [];
  const adById = new Map<string, AdGroup>();
  await phase('Checking deletes and scope exits', 4, async () => {
    for (const c of candidates) {
      const record = doc.groups[c.id];
      if (!record || !transitionDue(c.cause, record.status)) continue;
      const ads = await target.findByAnchor(anchorOf(c.id));
      if (ads.length === 0) {
        delete doc.groups[c.id];
        skipGroup(env, { id: c.id, displayName: null }, 'no AD group carries its anchor any more: nothing to do');
        continue;
      }
      if (ads.length > 1) {
        rec.fail(c.id, new GwbError(`${ads.length} AD objects carry the anchor ${anchorOf(c.id)}.`, { code: 'DuplicateTargetEntries', category: 'InvalidData', target: c.id, hint: 'Delete the stray copy or clear msDS-ExternalDirectoryObjectId on it.' }));
        continue;
      }
      adById.set(c.id, ads[0]);
      actions.push(lifecycleAction(c.cause, config.lifecycle, ads[0], c.id, (ads[0].attributes.displayName as string) ?? null, c.cause === 'scopeExit' ? refs.outOfScope.get(c.id) : undefined));
    }
  });
  const life = await phase('Applying deletes and scope exits', 5, () => applyLifecyclePhase(env, actions, adById));

  const work: MemberWork[] = [];
  for (const r of outcomes) {
    const w = needMembers.has(r.groupId) || r.deferredMembers ? memberWork(r, env.drift) : undefined;
    if (!w) continue;
    // Applied directly only when the object step found the managed group as it was (not created or re-created).
    if (direct.has(r.groupId) && r.previousStatus === 'managed' && !r.created && !r.deferredMembers && !w.drift) w.direct = true;
    else env.deltaMembers?.release(r.groupId);
    work.push(w);
  }
  for (const p of parents) {
    const record = doc.groups[p];
    if (record?.status !== 'managed') continue;
    const ads = await target.findByAnchor(anchorOf(p));
    if (ads.length === 1) work.push({ groupId: p, displayName: null, dn: ads[0].dn, created: false });
  }
  const memberHeld = await phase('Provisioning memberships', 6, () => memberPhase(env, work));
  checkAborted(env);
  return {
    deltaLink: delta.link,
    ...heldOf(life, memberHeld),
    pending: life.pending,
  };
}
