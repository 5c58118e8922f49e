/** The engine operations that work on the state store alone: status, log, approve-deletes, reset (registry + params). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/ops';
import { EventSink, type CoreEvent } from '../../../src/core/events';
import { getOperation, listOperations } from '../../../src/core/operation';
import { StateStore } from '../../../src/state/store';
import { ProvisioningLog } from '../../../src/state/log';
import { createHeldBatch, recordTotalFailure } from '../../../src/engine/safety';
import { lifecycleAction } from '../../../src/engine/lifecycle';
import { GwbError } from '../../../src/core/errors';
import { configDoc } from './harness';

let dir: string;
let configPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-ops-'));
  configPath = join(dir, 'job.json');
  writeFileSync(configPath, JSON.stringify(configDoc('./state')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function call(op: string, params: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<{ code: number | void; results: { typeName: string; data: any }[]; events: CoreEvent[] }> {
  const sink = new EventSink();
  const events: CoreEvent[] = [];
  sink.on((e) => events.push(e));
  const code = await getOperation(op).run({ configPath, ...params }, { sink, signal: new AbortController().signal, secrets });
  return { code, events, results: events.filter((e): e is Extract<CoreEvent, { type: 'result' }> => e.type === 'result').map((e) => ({ typeName: e.typeName, data: e.data })) };
}

function seedState(): string {
  const { store } = StateStore.open(join(dir, 'state'));
  store.doc.groups.g1 = { dn: 'CN=a,OU=x', objectGuid: 'x', status: 'managed', since: 'now' };
  const lc = { onSoftDelete: 'empty', onPermanentDelete: 'delete', onScopeExit: 'leave' } as const;
  const batch = createHeldBatch(store.doc, 'c1', [lifecycleAction('permanentDelete', lc, { dn: 'CN=a,OU=x', objectGuid: 'x', objectSid: '', anchor: 'Group_g1', attributes: {} }, 'g1', null)], 0);
  recordTotalFailure(store.doc, new GwbError('bind failed', { code: 'LdapBindOperationFailed' }), 1);
  store.save();
  const log = new ProvisioningLog(store.logDir);
  log.append({ cycleId: 'c1', changeId: 'x', action: 'create', result: 'success', sourceId: 'g1' });
  log.append({ cycleId: 'c1', changeId: 'y', action: 'skip', result: 'skipped', sourceId: 'u1', groupId: 'g1', reason: 'cloud-only user' });
  log.close();
  return batch.id;
}

describe('engine operations', () => {
  it('are registered under their documented names', () => {
    const names = listOperations().map((o) => o.name);
    for (const n of ['scope', 'plan', 'run', 'on-demand', 'verify', 'status', 'log', 'approve-deletes', 'reset']) expect(names).toContain(n);
  });

  it('status, log, approve-deletes and reset work from the state store without secrets', async () => {
    const batchId = seedState();
    const s = await call('status', {});
    expect(s.results[0]).toMatchObject({ typeName: 'GroupWriteback.Status', data: { state: 'Quarantined', groups: { managed: 1 }, heldBatches: [{ batchId, status: 'held', count: 1 }], quarantine: { code: 'LdapBindOperationFailed' } } });

    const l = await call('log', { groupId: 'g1', action: 'skip' });
    expect(l.results.map((r) => r.typeName)).toEqual(['GroupWriteback.LogEntry']);
    expect(l.results[0].data.reason).toBe('cloud-only user');
    await expect(call('log', { action: 'explode' })).rejects.toThrow(/Unknown action: explode/);

    const a = await call('approve-deletes', {});
    expect(a.results[0]).toMatchObject({ typeName: 'GroupWriteback.HeldBatch', data: { batchId, status: 'approved', count: 1 } });
    await expect(call('approve-deletes', {})).rejects.toThrow(/No deletes are held/);

    const r = await call('reset', { full: true });
    expect(r.results[0].data).toMatchObject({ quarantine: null, nextCycle: 'full', consecutiveFailures: 0 });
  });

  it('run refuses while quarantined, naming the reason and the fix', async () => {
    seedState();
    await expect(call('run', {}, { 'tenant.clientSecret': 's', 'directory.password': 'p' })).rejects.toMatchObject({ code: 'JobQuarantined', hint: expect.stringMatching(/gwb reset/) });
  });
});
