/**
 * node --expose-gc --import tsx bench/member-step-memory.ts [--members 500000] [--changes 50000] [--direct]
 *
 * --direct: the delta cycle's direct path instead (src/engine/member-delta.ts, since session 5): the round's
 * members@delta adds/removes held in DeltaMembers, then only those resolved — no member listing, no AD read, no diff.
 *
 * What one group's member step holds when a delta cycle reconciles a big group (src/engine/member-step.ts
 * reconcileMembers → MemberResolver.resolve → Target.readMembers → diffMembers), step by step, on synthetic data
 * shaped like the `--big-group` bench's (GUID ids, lab-style DNs, names as Graph returns them): the live heap after
 * a full GC once each structure exists, through the engine's own toMemberRef, MemberResolver, normalizeDn and
 * diffMembers (Source/Target answer from tables in memory, counted as their own step). It explains the delta
 * cycle's peak RSS at 500,000 members (bench/RESULTS.md "One big group"); no lab, no network.
 */
import { randomUUID } from 'node:crypto';
import { normalizeDn } from '../src/directory/dn';
import { guidToImmutableId } from '../src/directory/guid';
import { DeltaMembers } from '../src/engine/delta-members';
import { MemberResolver } from '../src/engine/members';
import { foldGroupDeltaPage } from '../src/graph/delta-fold';
import { diffMembers } from '../src/engine/plan';
import { toMemberRef } from '../src/graph/odata';
import type { CloudUser, MemberRef } from '../src/model/cloud';
import type { AdUser } from '../src/model/directory';
import type { Source, Target } from '../src/model/ports';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg('members', 500_000);
const DIRECT = process.argv.includes('--direct');
const C = arg('changes', Math.round(N / 10));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx');
let last = 0;
const step = (what: string) => {
  gc();
  gc();
  const m = process.memoryUsage();
  const live = m.heapUsed / 2 ** 20;
  process.stdout.write(`${what.padEnd(72)} live heap ${live.toFixed(0).padStart(4)} MiB (+${(live - last).toFixed(0)}), rss ${(m.rss / 2 ** 20).toFixed(0)} MiB\n`);
  last = live;
};
/** Strings as a parser makes them (fresh, not interned literals). */
const fresh = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const sam = (k: number) => `user${String(k).padStart(6, '0')}`;
const dnOf = (k: number) => `CN=Ada Berg (${sam(k)}),OU=Synced Users,DC=lab,DC=example,DC=com`;

/** A Source/Target pair answering like the lab for the given refs (user k ↔ objectGUID k ↔ DN k), and the resolver. */
function labResolver(refs: MemberRef[], dnIndex: (k: number) => number = (k) => k): MemberResolver {
  const guidOf = new Map<string, string>();
  refs.forEach((r, k) => guidOf.set(r.id, `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`));
  const dnByGuid = new Map<string, number>();
  refs.forEach((r, k) => dnByGuid.set(guidOf.get(r.id)!, dnIndex(k)));
  const source = {
    async getUsers(ids: string[]): Promise<CloudUser[]> {
      return fresh(ids.map((id) => ({ id, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: null, onPremisesImmutableId: guidToImmutableId(guidOf.get(id)!) })));
    },
  } as unknown as Source;
  const target = {
    async resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>> {
      return new Map(guids.map((g) => [g, { dn: fresh(dnOf(dnByGuid.get(g)!)), objectGuid: g, objectSid: '' }]));
    },
  } as unknown as Target;
  (globalThis as { tables?: unknown }).tables = [guidOf, dnByGuid];
  return new MemberResolver(source, target, { provisionOnPremisesUsers: true }, { resolveGroups: async () => new Map() });
}

/** The direct path: C adds + C removes as the delta round carries them (members@delta chunks of 1,000 a page). */
async function direct(): Promise<void> {
  step('start (direct path)');
  const changes = new DeltaMembers();
  const gid = randomUUID();
  for (let i = 0; i < 2 * C; i += 1000) {
    const chunk = fresh(Array.from({ length: Math.min(1000, 2 * C - i) }, (_, j) => ({ '@odata.type': '#microsoft.graph.user', id: randomUUID(), ...(i + j >= C ? { '@removed': { reason: 'deleted' } } : {}) })));
    const page = foldGroupDeltaPage([{ id: gid, displayName: 'Big', 'members@delta': chunk }]);
    for (const c of page) if (c.kind === 'upsert') changes.record(gid, c.memberAdds, c.memberRemoves);
  }
  step(`DeltaMembers: ${C} adds + ${C} removes of one group (${changes.memberCount} held)`);
  const { adds, removes } = changes.changesOf(gid);
  changes.release(gid);
  step(`+ changesOf(): ${adds.length} + ${removes.length} member refs (DeltaMembers released)`);
  const resolver = labResolver([...adds, ...removes], (k) => (k < C ? N + k : k - C));
  step("+ the bench's own id → GUID → DN tables (not the engine's)");
  const added = await resolver.resolve(adds);
  const removed = await resolver.resolve(removes);
  step(`+ resolver.resolve() of the adds and of the removes: ${added.dns.length} + ${removed.dns.length} DNs`);
  const addDns = new Set(added.dns.map((dn) => normalizeDn(dn)));
  const remove = removed.dns.filter((dn) => !addDns.has(normalizeDn(dn)));
  const idOf = new Map<string, string>();
  added.dns.forEach((dn, i) => idOf.set(dn, added.ids[i]));
  step(`+ the removals (${remove.length}), the adds' normalized DNs and idOf`);
  (globalThis as { keep?: unknown }).keep = [adds, removes, resolver, added, removed, addDns, remove, idOf];
}

async function main(): Promise<void> {
  if (DIRECT) return direct();
  step('start');
  // 1. The cloud members as GraphSource.listMembers yields them ($select=id,displayName,userPrincipalName, pages of 999).
  const refs: MemberRef[] = [];
  const guidOf = new Map<string, string>();
  for (let i = 0; i < N; i += 999) {
    const page = fresh(Array.from({ length: Math.min(999, N - i) }, (_, j) => ({ '@odata.type': '#microsoft.graph.user', id: randomUUID(), displayName: `Ada Berg (${sam(i + j)})`, userPrincipalName: `${sam(i + j)}@lab.example.com` })));
    for (const m of page) refs.push(toMemberRef(m));
  }
  step(`${N} member refs (id, displayName, UPN)`);
  // 2. The engine's MemberResolver over a Source/Target that answer like the lab (user k ↔ objectGUID k ↔ DN k).
  refs.forEach((r, k) => guidOf.set(r.id, `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`));
  const dnByGuid = new Map<string, number>();
  refs.forEach((r, k) => dnByGuid.set(guidOf.get(r.id)!, k));
  const source = {
    async getUsers(ids: string[]): Promise<CloudUser[]> {
      return fresh(ids.map((id) => ({ id, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: null, onPremisesImmutableId: guidToImmutableId(guidOf.get(id)!) })));
    },
  } as unknown as Source;
  const target = {
    async resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>> {
      return new Map(guids.map((g) => [g, { dn: fresh(dnOf(dnByGuid.get(g)!)), objectGuid: g, objectSid: '' }]));
    },
  } as unknown as Target;
  const groups = { resolveGroups: async () => new Map() };
  const resolver = new MemberResolver(source, target, { provisionOnPremisesUsers: true }, groups);
  step('+ the bench\'s own id → GUID → DN tables (not the engine\'s)');
  const resolved = await resolver.resolve(refs);
  step(`+ resolver.resolve(): ${resolved.dns.length} DNs and ids, its user cache and DN → id map`);
  // 3. Target.readMembers: AD's member DNs before the delta (C of them no longer wanted, C wanted ones missing).
  const actual: string[] = [];
  for (let k = 0; k < N; k++) actual.push(fresh(dnOf(k < N - C ? k : k + N)));
  step(`+ AD's ${N} member DNs (ranged read)`);
  // 4. diffMembers' two maps of normalized DN → DN exist together inside the call (built here the same way).
  const want = new Map(resolved.dns.map((d) => [normalizeDn(d), d]));
  const have = new Map(actual.map((d) => [normalizeDn(d), d]));
  step("+ the diff's two normalized-DN maps (inside diffMembers)");
  want.clear();
  have.clear();
  const t = Date.now();
  const diff = diffMembers(resolved.dns, actual, {});
  const ms = Date.now() - t;
  const idOf = new Map<string, string>();
  resolved.dns.forEach((dn, i) => idOf.set(dn, resolved.ids[i]));
  step(`+ diff result (${diff.add.length} adds, ${diff.remove.length} removes; diffMembers ${ms} ms), idOf map`);
  (globalThis as { keep?: unknown }).keep = [refs, resolver, resolved, actual, diff, idOf, guidOf, dnByGuid];
}

void main();
