import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/state/atomic';
import { acquireLock, lockHolder } from '../../../src/state/lock';
import { ProvisioningLog, queryLog, type LogEntry, type LogQuery } from '../../../src/state/log';
import { StateStore } from '../../../src/state/store';
import { StateLockedError } from '../../../src/state/errors';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gwb-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that is certainly dead: a child that already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('atomic writes', () => {
  it('replaces the file and leaves no temp file behind', () => {
    const p = join(dir, 'f.json');
    writeFileAtomic(p, 'one');
    writeFileAtomic(p, 'two');
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['f.json']);
  });
});

describe('lock', () => {
  it('refuses a second holder while the first lives, and frees on release', () => {
    const a = acquireLock(dir, 'cycle');
    expect(() => acquireLock(dir, 'cycle')).toThrow(StateLockedError);
    expect(lockHolder(dir)?.pid).toBe(process.pid);
    a.release();
    expect(lockHolder(dir)).toBeUndefined();
    acquireLock(dir, 'cycle').release();
  });

  it('takes over a stale lock left by a killed process', () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), purpose: 'cycle' }));
    expect(lockHolder(dir)).toBeUndefined();
    const l = acquireLock(dir, 'cycle');
    expect(l.info.pid).toBe(process.pid);
    l.release();
  });

  it('refuses a live lock of another process', () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: new Date().toISOString(), purpose: 'cycle' }));
    expect(() => acquireLock(dir, 'cycle')).toThrow(/Another cycle \(pid/);
  });
});

describe('store', () => {
  it('round-trips and sets a corrupt file aside (a lost state is not fatal)', () => {
    const { store } = StateStore.open(dir);
    store.doc.deltaLink = 'https://x/delta?t=1';
    store.doc.groups['g'] = { dn: 'CN=a', objectGuid: 'x', status: 'managed', since: 'now' };
    store.save();
    expect(StateStore.open(dir).store.doc.groups['g'].dn).toBe('CN=a');
    writeFileSync(join(dir, 'state.json'), '{"version":1, "gro');
    const r = StateStore.open(dir);
    expect(r.recovered).toMatch(/set aside/);
    expect(r.store.doc.groups).toEqual({});
    expect(readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
  });

  it('keeps the last 100 runs', () => {
    const { store } = StateStore.open(dir);
    for (let i = 0; i < 105; i++) store.appendRun({ i });
    const runs = store.readRuns<{ i: number }>();
    expect(runs).toHaveLength(100);
    expect(runs[0].i).toBe(5);
  });
});

describe('provisioning log', () => {
  const base = { cycleId: 'c1', changeId: 'x', result: 'success' as const };
  async function all(q: LogQuery = {}): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const e of queryLog(dir, q)) out.push(e);
    return out;
  }

  it('appends JSON lines and filters by cycle, group, action, result and time', async () => {
    const log = new ProvisioningLog(dir);
    log.append({ ...base, action: 'create', sourceId: 'g1', timestamp: '2025-01-01T10:00:00.000Z' });
    log.append({ ...base, action: 'skip', result: 'skipped', sourceId: 'u1', groupId: 'g1', reason: 'cloud-only user', timestamp: '2025-01-01T10:00:01.000Z' });
    log.append({ ...base, cycleId: 'c2', action: 'delete', sourceId: 'g2', timestamp: '2025-01-02T10:00:00.000Z' });
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['provisioning-2025-01-01.jsonl', 'provisioning-2025-01-02.jsonl']);
    expect((await all({ cycleId: 'c1' })).map((e) => e.action)).toEqual(['create', 'skip']);
    expect((await all({ groupId: 'g1' })).map((e) => e.sourceId)).toEqual(['g1', 'u1']);
    expect((await all({ action: ['delete', 'skip'] })).map((e) => e.action)).toEqual(['skip', 'delete']);
    expect((await all({ result: 'skipped' }))[0].reason).toBe('cloud-only user');
    expect((await all({ after: '2025-01-02T00:00:00.000Z' })).map((e) => e.sourceId)).toEqual(['g2']);
    expect((await all({ before: '2025-01-01T10:00:01.000Z' })).map((e) => e.sourceId)).toEqual(['g1']);
    expect((await all({ last: 1 })).map((e) => e.sourceId)).toEqual(['g2']);
  });

  it('skips a torn last line (kill during a write) and prunes old days', async () => {
    const log = new ProvisioningLog(dir);
    log.append({ ...base, action: 'create', sourceId: 'g1', timestamp: '2025-01-01T10:00:00.000Z' });
    log.close();
    appendFileSync(join(dir, 'provisioning-2025-01-01.jsonl'), '{"timestamp":"2025-01-01T10:');
    expect(await all()).toHaveLength(1);
    const after = new ProvisioningLog(dir);
    after.append({ ...base, action: 'update', sourceId: 'g1', timestamp: '2025-01-01T11:00:00.000Z' });
    after.close();
    expect((await all()).map((e) => e.action)).toEqual(['create', 'update']);
    const l2 = new ProvisioningLog(dir);
    expect(l2.prune(30, new Date('2025-03-01T00:00:00Z'))).toBe(1);
    expect(existsSync(join(dir, 'provisioning-2025-01-01.jsonl'))).toBe(false);
  });
});
