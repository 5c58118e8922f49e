/**
 * Issue 4, "Must show" #1: an initial cycle on a 300-group tenant mixing eligible groups, mail-enabled, Microsoft
 * 365, synced-from-AD, distribution lists, nested groups, cloud-only members, and display names with
 * `, + " \ # < > ; =`, leading/trailing spaces, 60+ characters and non-Latin letters. Every assertion reads AD
 * back over LDAP. A second cycle (delta) and a forced full cycle write nothing.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn, rdnValue, cnDn } from '../../src/directory/dn';
import type { ResolvedConfig } from '../../src/config/types';
import { startLab, type Lab } from '../lab/fixture';
import type { TenantFile } from '../lab/graph/types';
import { cycle, expectedCn, labConfig, logEntries, readAnchoredGroups, readMembers, uuid, type CycleRun } from './engine-helpers';

const NAMES = [
  'Sales, EMEA',
  'R+D',
  '"Quoted"',
  'Back\\slash',
  '#Hash first',
  '<Angle> brackets',
  'Semi;colon',
  'Eq=uals',
  '  Leading and trailing spaces  ',
  'Mixed ,+"\\#<>;= all of them',
  ' # leading space then hash',
  'ends with backslash \\',
  'Ünïcödé Grüppe Größe',
  '日本語のグループ',
  'Группа пользователей',
  'مجموعة المستخدمين',
  'Λ Greek Ελληνικά',
  'A very long group display name that goes well beyond sixty characters, to be cut at fifty-one',
  'Plain name',
];

interface Expected {
  id: string;
  displayName: string;
  description: string | null;
  /** Member refs: user ids and group ids. */
  members: string[];
}

let lab: Lab;
let config: ResolvedConfig;
let client: Client;
const eligible = new Map<string, Expected>();
const excludedGroups = new Map<string, string>(); // id → expected reason pattern
const syncedUpnById = new Map<string, string>();
const cloudOnly: string[] = [];
let first: CycleRun;

function buildTenant(): TenantFile {
  const users: Record<string, unknown>[] = [];
  const synced: string[] = [];
  for (let i = 0; i < 40; i++) {
    const id = uuid();
    const upn = `s${i}@lab.example.com`;
    users.push({ id, synced: true, userPrincipalName: upn, displayName: `Synced ${i}` });
    synced.push(id);
    syncedUpnById.set(id, upn);
  }
  for (let i = 0; i < 10; i++) {
    const id = uuid();
    users.push({ id, userPrincipalName: `c${i}@labtenant.onmicrosoft.com`, displayName: `Cloud ${i}` });
    cloudOnly.push(id);
  }
  const groups: Record<string, unknown>[] = [];
  const pick = <T>(list: T[], n: number, seed: number): T[] => Array.from({ length: n }, (_, k) => list[(seed * 7 + k * 13) % list.length]).filter((v, i, a) => a.indexOf(v) === i);

  // Ineligible groups first (so they can be nested below).
  const ineligible: { id: string; kind: string }[] = [];
  const addIneligible = (n: number, kind: string, patch: Record<string, unknown>, reason: string) => {
    for (let i = 0; i < n; i++) {
      const id = uuid();
      groups.push({ id, displayName: `${kind} ${i}`, mailNickname: `${kind.replace(/\W/g, '')}${i}`, ...patch, members: pick(synced, 2, i) });
      ineligible.push({ id, kind });
      excludedGroups.set(id, reason);
    }
  };
  addIneligible(30, 'MailSec', { securityEnabled: true, mailEnabled: true }, 'mail-enabled');
  addIneligible(30, 'M365', { securityEnabled: false, mailEnabled: true, groupTypes: ['Unified'] }, 'Microsoft 365');
  addIneligible(20, 'DL', { securityEnabled: false, mailEnabled: true }, 'mail-enabled');
  addIneligible(20, 'SyncedFromAD', { synced: true, securityEnabled: true, mailEnabled: false }, 'synced from AD');

  // 180 eligible groups with tricky names, descriptions and mixed members.
  const plain: string[] = [];
  for (let i = 0; i < 180; i++) {
    const id = uuid();
    const displayName = NAMES[i % NAMES.length];
    const description = i % 4 === 0 ? null : i % 4 === 1 ? `  padded description ${i}  ` : i % 4 === 2 ? `${'Long '.repeat(100)}${i}` : `Описание ${i}`;
    const members = [...pick(synced, i % 9, i), ...(i % 3 === 0 ? pick(cloudOnly, 2, i) : [])];
    groups.push({ id, displayName, description, mailEnabled: false, securityEnabled: true, mailNickname: `g${i}`, members });
    eligible.set(id, { id, displayName, description, members });
    plain.push(id);
  }
  // 20 parents nesting eligible groups (chains) and ineligible ones (skipped with reasons).
  let previous: string | null = null;
  for (let i = 0; i < 20; i++) {
    const id = uuid();
    const displayName = `Parent ${i} ${NAMES[i % NAMES.length]}`;
    const nested = [plain[i * 3], plain[i * 3 + 1], ...(previous && i % 2 === 1 ? [previous] : []), ineligible[i % ineligible.length].id, ineligible[(i * 7 + 50) % ineligible.length].id];
    const members = [...pick(synced, 3, i + 100), cloudOnly[i % cloudOnly.length], ...nested];
    groups.push({ id, displayName, description: null, mailEnabled: false, securityEnabled: true, mailNickname: `p${i}`, members });
    eligible.set(id, { id, displayName, description: null, members });
    previous = id;
  }
  expect(groups).toHaveLength(300);
  return { users, groups } as TenantFile;
}

beforeAll(async () => {
  lab = await startLab({ tenant: buildTenant() });
  config = labConfig(lab);
  client = await lab.dc.connect('admin');
  first = await cycle(config);
}, 300_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('initial cycle on a 300-group tenant', () => {
  it('completes without errors', () => {
    expect(first.error).toBeUndefined();
    expect(first.summary).toMatchObject({ mode: 'full', status: 'success', errors: 0 });
    expect(first.summary.groups).toMatchObject({ read: 300, inScope: 200, outOfScope: 100, created: 200 });
  });

  it('creates exactly the eligible groups, with exact DNs and attributes', async () => {
    const groups = await readAnchoredGroups(client, lab.dc.baseDn);
    expect(groups.map((g) => g.anchor).sort()).toEqual([...eligible.keys()].map((id) => `Group_${id}`).sort());
    for (const g of groups) {
      const want = eligible.get(g.anchor!.slice('Group_'.length))!;
      const cn = expectedCn(want.displayName, want.id);
      expect(g.cn).toBe(cn);
      expect(rdnValue(g.dn)).toBe(cn);
      expect(normalizeDn(g.dn)).toBe(normalizeDn(cnDn(cn, lab.dc.targetOu)));
      expect(g.displayName).toBe(want.displayName);
      expect(g.description).toBe(want.description === null ? undefined : want.description.trim().slice(0, 448));
      expect(g.adminDescription).toBe(`Group_${want.id}`);
      expect(g.groupType).toBe('-2147483640');
    }
  });

  it('writes exactly the resolvable members: synced users and eligible nested groups', async () => {
    const groups = await readAnchoredGroups(client, lab.dc.baseDn);
    const dnByGroupId = new Map(groups.map((g) => [g.anchor!.slice(6), normalizeDn(g.dn)]));
    const userDn = new Map(lab.seeded.tenant!.adUsers.map((u) => [u.userPrincipalName.toLowerCase(), normalizeDn(u.dn)]));
    for (const g of groups) {
      const want = eligible.get(g.anchor!.slice(6))!;
      const expected = want.members
        .map((m) => (syncedUpnById.has(m) ? userDn.get(syncedUpnById.get(m)!) : dnByGroupId.get(m)))
        .filter((d): d is string => !!d)
        .sort();
      const actual = (await readMembers(client, g.dn)).map(normalizeDn).sort();
      expect(actual, `members of ${g.dn}`).toEqual(expected);
    }
  });

  it('logs a skip reason for every excluded group and every excluded member', async () => {
    const skips = await logEntries(config, { action: 'skip', cycleId: first.summary.cycleId });
    for (const [id, reason] of excludedGroups) {
      const e = skips.find((s) => s.sourceId === id && !s.groupId);
      expect(e?.reason, `group ${id}`).toContain(reason);
    }
    let memberSkips = 0;
    for (const g of eligible.values()) {
      for (const m of g.members) {
        if (syncedUpnById.has(m) || eligible.has(m)) continue;
        const e = skips.find((s) => s.sourceId === m && s.groupId === g.id);
        expect(e?.reason, `member ${m} of ${g.id}`).toMatch(cloudOnly.includes(m) ? /cloud-only user/ : /synced group|out-of-scope group/);
        memberSkips++;
      }
    }
    expect(memberSkips).toBeGreaterThan(50);
    expect(first.summary.members.skipped).toBe(memberSkips);
  });

  it('a second cycle (delta) and a forced full cycle write nothing', async () => {
    const before = await readAnchoredGroups(client, lab.dc.baseDn);
    const second = await cycle(config);
    expect(second.summary.mode).toBe('delta');
    expect(second.error).toBeUndefined();
    expect(second.ldap.writes).toBe(0);
    const full = await cycle(config, { full: true });
    expect(full.summary).toMatchObject({ mode: 'full', errors: 0 });
    expect(full.summary.groups.unchanged).toBe(200);
    expect(full.ldap.writes).toBe(0);
    const after = await readAnchoredGroups(client, lab.dc.baseDn);
    expect(after.map((g) => `${g.dn}|${g.usnChanged}`).sort()).toEqual(before.map((g) => `${g.dn}|${g.usnChanged}`).sort());
  });
});
