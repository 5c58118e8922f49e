/**
 * The bench's synthetic tenant and its changes, built into a lab's Graph emulator. Deterministic: the same shape
 * gives the same groups, memberships and changes (same seed), so two labs (one per directory driver, bench --kerberos)
 * hold the same tenant and get the same changes. Users are picked by their index among the lab's seeded synced users.
 */
import type { Lab } from '../test/lab/fixture';
import { mulberry32 } from '../test/lab/rng';

export interface TenantShape {
  groups: number;
  links: number;
  /** One group of this many members plus `smallGroups` groups of 10 (instead of `groups` skewed groups). */
  bigGroup?: number;
  smallGroups: number;
  /** Big group only: member adds and as many removes in the change step. */
  changes: number;
}

export interface BenchTenant {
  lab: Lab;
  shape: TenantShape;
  /** Emulator ids of the groups, in creation order (the big group first). */
  groupIds: string[];
  /** Emulator ids of the seeded synced users, in seeding order. */
  userIds: string[];
  /** This tenant's random sequence (continued by the change step). */
  rand: () => number;
}

export function buildTenant(lab: Lab, shape: TenantShape): BenchTenant {
  const store = lab.store!;
  const userIds = lab.seeded.users!.synced.map((u) => u.id);
  const rand = mulberry32(shape.groups * 31 + shape.links);
  const groupIds: string[] = [];
  const addGroup = (i: number, description: string | null): string => {
    const g = store.addGroup({ displayName: `Bench group ${i}`, description, mailEnabled: false, securityEnabled: true, mailNickname: `bench${i}` });
    groupIds.push(g.id);
    return g.id;
  };
  const addRun = (groupId: string, n: number): void => {
    const start = Math.floor(rand() * userIds.length);
    for (let k = 0; k < n; k++) store.addMember(groupId, userIds[(start + k) % userIds.length]);
  };
  if (shape.bigGroup) {
    const g = store.addGroup({ displayName: 'Bench big group', description: `${shape.bigGroup} members`, mailEnabled: false, securityEnabled: true, mailNickname: 'benchbig' });
    groupIds.push(g.id);
    for (let k = 0; k < shape.bigGroup; k++) store.addMember(g.id, userIds[k]);
    for (let i = 0; i < shape.smallGroups; i++) addRun(addGroup(i, null), 10);
  } else {
    // Member counts: a skewed spread around links/groups (a few large groups, many small ones), summing to `links`.
    const weights = Array.from({ length: shape.groups }, () => Math.pow(rand(), 3) + 0.05);
    const total = weights.reduce((a, b) => a + b, 0);
    let remaining = shape.links;
    for (let i = 0; i < shape.groups; i++) {
      const id = addGroup(i, i % 2 ? `Synthetic group ${i}` : null);
      const n = i === shape.groups - 1 ? Math.min(remaining, userIds.length) : Math.min(remaining, userIds.length, Math.max(0, Math.round((weights[i] / total) * shape.links)));
      remaining -= n;
      addRun(id, n);
    }
  }
  return { lab, shape, groupIds, userIds, rand };
}

/**
 * The bench's change step; returns the name of the delta cycle that follows it. Big group: `changes` removes and
 * `changes` adds in the big group. Otherwise 1% of the groups: half renamed, half with 5 member adds + 5 removes.
 */
export function changeTenant(t: BenchTenant): string {
  const store = t.lab.store!;
  const { groupIds, userIds, rand, shape } = t;
  if (shape.bigGroup) {
    const id = groupIds[0];
    for (let k = 0; k < shape.changes; k++) store.removeMember(id, userIds[k]);
    for (let k = shape.bigGroup; k < shape.bigGroup + shape.changes; k++) store.addMember(id, userIds[k]);
    return `delta: ${shape.changes} adds + ${shape.changes} removes`;
  }
  const changed = Math.max(1, Math.round(shape.groups / 100));
  for (let i = 0; i < changed; i++) {
    const id = groupIds[Math.floor((i * shape.groups) / changed)];
    if (i % 2 === 0) store.updateGroup(id, { displayName: `Bench group renamed ${i}` });
    else {
      for (const m of store.membersOf(id).slice(0, 5)) store.removeMember(id, m.id);
      let added = 0;
      for (let k = 0; added < 5 && k < userIds.length; k++) {
        const u = userIds[Math.floor(rand() * userIds.length)];
        if (!store.isMember(id, u)) {
          store.addMember(id, u);
          added++;
        }
      }
    }
  }
  return '1%-change delta';
}
