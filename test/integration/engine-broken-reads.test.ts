/**
 * Issue 14 part 6: a broken Graph read never removes access. A full cycle reads every group with its members in
 * one initial groups/delta round (small pages here, so the round spans many). A fault proxy between the engine
 * and the emulator breaks that round once per fault mode (truncated JSON, HTML with 200, a page without its next
 * link mid-round, a repeated page, a member of unknown type, a 50 MB body, a stalled connection): each cycle
 * fails with one clear error and writes nothing, though a group really lost a member in Entra; the next clean
 * cycle converges. The member-removal guard holds a mass removal until it is approved.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types';
import { normalizeDn } from '../../src/directory/dn';
import { approveBatch } from '../../src/engine/safety';
import { StateStore } from '../../src/state/store';
import { startLab, type Lab } from '../lab/fixture';
import { startGraphFaultProxy, type GraphFaultMode, type GraphFaultProxy } from '../lab/graph-fault-proxy';
import { labPaths } from '../lab/lab-paths';
import { cycle, labConfig, readAnchoredGroups, readMembers } from './engine-helpers';

const MODES: GraphFaultMode[] = ['truncateJson', 'html200', 'dropNextLink', 'repeatPage', 'unknownType', 'hugeBody', 'stall'];
const EXPECTED_CODE: Record<GraphFaultMode, string> = {
  truncateJson: 'GraphBrokenRead',
  html200: 'GraphBrokenRead',
  dropNextLink: 'GraphBrokenRead',
  repeatPage: 'GraphBrokenRead',
  unknownType: 'GraphBrokenRead',
  hugeBody: 'GraphBrokenRead',
  stall: 'GraphConnectionFailed',
};
const MEMBERS = 30;

let lab: Lab;
let proxy: GraphFaultProxy;
let ad: Client;
let config: ResolvedConfig;
let users: { id: string; dn: string }[] = [];
const victims = new Map<GraphFaultMode, string>();
const bystanders: string[] = [];
let guarded = '';

function group(name: string, memberCount: number, offset: number): string {
  const g = lab.store!.addGroup({ displayName: name, mailEnabled: false, securityEnabled: true, mailNickname: name.replace(/\W/g, '') });
  for (let i = 0; i < memberCount; i++) lab.store!.addMember(g.id, users[(offset + i) % users.length].id);
  return g.id;
}

async function adMembers(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const g of await readAnchoredGroups(ad, lab.dc.baseDn)) out.set(g.anchor!.slice(6), (await readMembers(ad, g.dn)).map(normalizeDn).sort());
  return out;
}

function cloudMembers(id: string): string[] {
  const dnOf = new Map(users.map((u) => [u.id, u.dn]));
  return lab.store!.membersOf(id).map((m) => dnOf.get(m.id)!).sort();
}

beforeAll(async () => {
  // Small delta pages (3 groups, 10 member values): the initial round spans many pages, as a big tenant's does.
  lab = await startLab({ users: 60, emulator: { deltaPageSize: 3, deltaMemberChunk: 10 } });
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  proxy = await startGraphFaultProxy({ host: lab.dc.ip, pkiDir: labPaths().pkiDir, target: lab.graph!.baseUrl, caFile: lab.dc.caFile, maxPageSize: 8 });
  MODES.forEach((m, i) => victims.set(m, group(`Victim ${m}`, MEMBERS, i * 3)));
  for (let i = 0; i < 3; i++) bystanders.push(group(`Bystander ${i}`, 5, 40 + i));
  guarded = group('Guarded big group', 55, 0);
  config = labConfig(lab, (doc) => {
    doc.tenant.graphBaseUrl = proxy.baseUrl;
    doc.tenant.timeoutMs = 3_000;
  });
  ad = await lab.dc.connect('admin');
  const first = await cycle(config);
  expect(first.summary).toMatchObject({ status: 'success', errors: 0 });
}, 300_000);

afterAll(async () => {
  await ad?.unbind().catch(() => undefined);
  await proxy?.close();
  await lab?.stop();
});

describe('a broken read never removes access', () => {
  // A full cycle reads every group WITH its members in one initial groups/delta round (issue 13), so a broken page
  // breaks that read as a whole: the cycle must fail with one clear error and compute nothing from it.
  it.each(MODES)('a broken delta-round page (%s): one clear error, nothing removed or deleted, AD unchanged', async (mode) => {
    const before = await adMembers();
    // Every victim really lost a member in Entra, bystanders gained one: a broken read must still change nothing.
    const victim = victims.get(mode)!;
    lab.store!.removeMember(victim, lab.store!.membersOf(victim)[0].id);
    proxy.set([{ mode, path: mode === 'repeatPage' || mode === 'dropNextLink' ? /^\/groups\/delta\?/i : /^\/groups\/delta\?.*skiptoken/i }]);
    const broken = await cycle(config, { full: true });
    const hits = proxy.hits()[mode];
    proxy.clear();
    expect(hits).toBeGreaterThan(0);
    expect(broken.summary.status).toBe('failed');
    expect(broken.summary.failure?.code, broken.summary.failure?.message).toBe(EXPECTED_CODE[mode]);
    if (EXPECTED_CODE[mode] === 'GraphBrokenRead') expect(broken.summary.failure?.hint).toMatch(/Nothing computed from this read was applied/);
    expect(broken.summary.members.removed).toBe(0);
    expect(broken.summary.groups.deleted).toBe(0);
    expect(broken.ldap.writes).toBe(0);
    expect(await adMembers()).toEqual(before);
  }, 180_000);

  it('after the broken reads, the next clean cycle converges', async () => {
    for (const id of bystanders) lab.store!.addMember(id, users[55].id);
    const clean = await cycle(config, { full: true });
    expect(clean.summary).toMatchObject({ status: 'success', errors: 0 });
    expect(clean.summary.members.removed).toBe(MODES.length);
    const after = await adMembers();
    for (const id of [...victims.values(), ...bystanders, guarded]) expect(after.get(id), id).toEqual(cloudMembers(id));
    const again = await cycle(config, { full: true });
    expect(again.ldap.writes).toBe(0);
  }, 180_000);

  it('the member-removal guard holds a mass removal of a large group until approve-deletes releases it', async () => {
    const keep = lab.store!.membersOf(guarded).slice(0, 15).map((m) => m.id);
    for (const m of lab.store!.membersOf(guarded)) if (!keep.includes(m.id)) lab.store!.removeMember(guarded, m.id);
    const before = (await adMembers()).get(guarded)!;
    expect(before).toHaveLength(55);

    // -WhatIf: the plan names the batch a real run holds (its id is derived from its content), and holds nothing.
    const plan = await cycle(config, { dryRun: true });
    const planned = plan.events.find((e) => e.type === 'log' && e.level === 'warning' && /member-removal guard would hold/.test(e.message));
    expect(planned, 'the plan warns of the held removals').toBeDefined();
    const plannedId = (planned as { target?: { batchId?: string } }).target?.batchId;
    expect(StateStore.open(config.state.path).store.doc.held.filter((b) => b.status === 'held')).toHaveLength(0);

    const held = await cycle(config);
    expect(held.summary.status).toBe('held');
    expect(held.summary.held?.batchId).toBe(plannedId);
    expect(held.summary.held?.reason).toMatch(/memberRemovalThreshold/);
    expect((await adMembers()).get(guarded)).toEqual(before);
    const again = await cycle(config, { full: true });
    expect(again.summary.held?.new).toBe(false); // still the same batch, not a new one
    expect((await adMembers()).get(guarded)).toEqual(before);

    const { store } = StateStore.open(config.state.path);
    const batch = approveBatch(store.doc, held.summary.held!.batchId);
    expect(batch.actions).toMatchObject([{ groupId: guarded, action: 'removeMembers', cause: 'memberRemoval' }]);
    expect(batch.actions[0].memberDns).toHaveLength(40);
    store.save();

    const applied = await cycle(config);
    expect(applied.summary.status).toBe('success');
    expect(applied.summary.approved).toEqual([{ batchId: batch.id, applied: 1, skipped: 0 }]);
    expect((await adMembers()).get(guarded)).toEqual(cloudMembers(guarded));
    expect(cloudMembers(guarded)).toHaveLength(15);
  }, 180_000);
});
