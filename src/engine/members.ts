/**
 * Members: turn a cloud group's member references into AD DNs, in bulk. Synced users resolve by objectGUID
 * (onPremisesObjectIdentifier, else the base64 onPremisesImmutableId) and else by objectSid; in-scope cloud
 * groups by their anchor (through a GroupRefResolver: the cycle knows which groups it provisions). Everything else
 * is skipped WITH a reason (cloud-only user, synced group, out-of-scope group, device, service principal,
 * contact, not found in AD).
 */
import type { MemberRef, CloudUser } from '../model/cloud';
import type { Source, Target } from '../model/ports';
import { immutableIdToGuid, isGuid, normalizeGuid } from '../directory/guid';
import type { MemberSkip } from './types';
import { normalizeDn } from '../directory/dn';

export type GroupRef = { dn: string } | { reason: string };

export interface GroupRefResolver {
  /** The AD DN of each nested cloud group if it is provisioned, else the reason it is not. */
  resolveGroups(ids: string[], signal?: AbortSignal): Promise<Map<string, GroupRef>>;
}

export interface ResolvedMembers {
  /** DNs to be members (deduplicated). */
  dns: string[];
  /** Cloud ids behind `dns`, same order. */
  ids: string[];
  skipped: MemberSkip[];
}

export interface MemberResolverOptions {
  provisionOnPremisesUsers: boolean;
  /** Entries of the user cache (user id → DN or reason). Default 200,000. */
  cacheSize?: number;
  /** Ids per Source.getUsers call. Default 1000 (getByIds limit). */
  sourceBatch?: number;
  /** Values per Target.resolveUsersBy* call. Default 500. */
  targetBatch?: number;
}

const KIND_REASON: Record<string, string> = {
  device: 'device (only users and groups can be AD group members)',
  servicePrincipal: 'service principal (no AD account)',
  orgContact: 'contact (organizational contacts are not provisioned)',
  other: 'unsupported member type',
};

/** A user's DN, or why it is skipped (with its UPN or name when Graph gave it, for the log). */
function userName(u: CloudUser): { name?: string } {
  const name = u.userPrincipalName || u.displayName;
  return name ? { name } : {};
}

/** `known`: the idByDn generation this user's DN was last entered in (normalized once, not once per group). */
type UserOutcome = { dn: string; known: number } | { reason: string; name?: string };

/** Users resolved per step of a large group (a few getByIds calls' worth). */
const RESOLVE_SLICE = 10_000;

/** The objectGUID a synced user's AD account should have, or null. */
export function userGuid(user: CloudUser): string | null {
  const oid = user.onPremisesObjectIdentifier;
  if (oid && isGuid(oid)) return normalizeGuid(oid);
  const imm = user.onPremisesImmutableId;
  if (imm) {
    try {
      return immutableIdToGuid(imm);
    } catch {
      return isGuid(imm) ? normalizeGuid(imm) : null;
    }
  }
  return null;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class MemberResolver {
  private readonly cache = new Map<string, UserOutcome>();
  /** AD DN (normalized) → cloud object id of every member resolved so far (names the members a removal drops). */
  private readonly idByDn = new Map<string, string>();
  /** Bumped each time idByDn is emptied (bounded): cached users are then entered again when next resolved. */
  private generation = 0;
  /** Counters for the run summary. */
  readonly stats = { usersLookedUp: 0, cacheHits: 0 };

  constructor(
    private readonly source: Source,
    private readonly target: Target,
    private readonly options: MemberResolverOptions,
    private readonly groups: GroupRefResolver,
  ) {}

  private knowDn(dn: string, id: string): void {
    if (this.idByDn.size >= (this.options.cacheSize ?? 200_000)) {
      this.idByDn.clear();
      this.generation++;
    }
    this.idByDn.set(normalizeDn(dn), id);
  }

  /**
   * The cloud object ids of these AD member DNs, where this cycle resolved them (a member removed from every
   * group this cycle saw has no known id: its DN stays in the log row).
   */
  idsOf(dns: readonly string[]): string[] {
    const out: string[] = [];
    for (const dn of dns) {
      const id = this.idByDn.get(normalizeDn(dn));
      if (id) out.push(id);
    }
    return out;
  }

  /** Forget cached outcomes (between cycles, or after AD changed under us). */
  clear(): void {
    this.cache.clear();
  }

  private remember(id: string, o: UserOutcome): void {
    const max = this.options.cacheSize ?? 200_000;
    if (this.cache.size >= max) {
      // Drop the oldest tenth: Map keeps insertion order.
      let n = Math.ceil(max / 10);
      for (const k of this.cache.keys()) {
        this.cache.delete(k);
        if (--n <= 0) break;
      }
    }
    this.cache.set(id, o);
  }

  async resolve(refs: readonly MemberRef[], signal?: AbortSignal): Promise<ResolvedMembers> {
    const out: ResolvedMembers = { dns: [], ids: [], skipped: [] };
    // Each member once (first ref wins); its name is looked up only for a skip.
    const first = new Map<string, MemberRef>();
    const nameOf = (id: string) => {
      const r = first.get(id);
      return r ? r.userPrincipalName || r.displayName || undefined : undefined;
    };
    const named = (id: string) => {
      const name = nameOf(id);
      return name ? { name } : {};
    };
    const userIds: string[] = [];
    const groupIds: string[] = [];
    for (const r of refs) {
      const id = r.id.toLowerCase();
      if (first.has(id)) continue;
      first.set(id, r);
      if (r.kind === 'user') userIds.push(id);
      else if (r.kind === 'group') groupIds.push(id);
      else out.skipped.push({ memberId: id, kind: r.kind, reason: KIND_REASON[r.kind] ?? KIND_REASON.other, ...named(id) });
    }
    // In slices: what a lookup holds (Graph users, GUID maps) stays bounded however large the group is.
    for (const part of chunks(userIds, RESOLVE_SLICE)) {
      const users = await this.resolveUsers(part, signal);
      for (const id of part) {
        const o = users.get(id)!;
        if ('dn' in o) {
          out.dns.push(o.dn);
          out.ids.push(id);
          if (o.known !== this.generation) {
            this.knowDn(o.dn, id);
            o.known = this.generation;
          }
        } else out.skipped.push({ memberId: id, kind: 'user', reason: o.reason, ...(o.name && !nameOf(id) ? { name: o.name } : named(id)) });
      }
    }
    if (groupIds.length) {
      const groups = await this.groups.resolveGroups(groupIds, signal);
      for (const id of groupIds) {
        const o = groups.get(id) ?? { reason: 'group not found in Entra' };
        if ('dn' in o) {
          out.dns.push(o.dn);
          out.ids.push(id);
          this.knowDn(o.dn, id);
        } else out.skipped.push({ memberId: id, kind: 'group', reason: o.reason, ...named(id) });
      }
    }
    return out;
  }

  /** Outcome per user id (from the cache, else in bulk from the Source and the Target). */
  async resolveUsers(ids: string[], signal?: AbortSignal): Promise<Map<string, UserOutcome>> {
    const result = new Map<string, UserOutcome>();
    const todo: string[] = [];
    for (const id of ids) {
      const c = this.cache.get(id);
      if (c) {
        result.set(id, c);
        this.stats.cacheHits++;
      } else todo.push(id);
    }
    if (!todo.length) return result;
    if (!this.options.provisionOnPremisesUsers) {
      for (const id of todo) result.set(id, { reason: 'on-premises user (membership.provisionOnPremisesUsers is off)' });
      return result;
    }
    this.stats.usersLookedUp += todo.length;
    const users = new Map<string, CloudUser>();
    for (const batch of chunks(todo, this.options.sourceBatch ?? 1000)) {
      for (const u of await this.source.getUsers(batch, signal)) users.set(u.id.toLowerCase(), u);
    }
    const byGuid = new Map<string, string[]>();
    const bySid = new Map<string, string[]>();
    const sidOf = new Map<string, string>();
    const add = (m: Map<string, string[]>, k: string, id: string) => {
      const l = m.get(k);
      if (l) l.push(id);
      else m.set(k, [id]);
    };
    for (const id of todo) {
      const u = users.get(id);
      if (!u) {
        result.set(id, { reason: 'user not found in Entra' });
        continue;
      }
      const guid = userGuid(u);
      const sid = u.onPremisesSecurityIdentifier ?? null;
      if (sid) sidOf.set(id, sid);
      if (guid) add(byGuid, guid, id);
      else if (sid) add(bySid, sid.toUpperCase(), id);
      else if (u.onPremisesSyncEnabled === true || u.onPremisesSyncEnabled === false) {
        result.set(id, { reason: 'synced user without an on-premises identifier (no onPremisesObjectIdentifier, onPremisesImmutableId or onPremisesSecurityIdentifier)', ...userName(u) });
      } else {
        result.set(id, { reason: 'cloud-only user (no AD account)', ...userName(u) });
      }
    }
    const limit = this.options.targetBatch ?? 500;
    const guids = [...byGuid.keys()];
    for (const batch of chunks(guids, limit)) {
      const found = await this.target.resolveUsersByGuid(batch);
      for (const g of batch) {
        const hit = found.get(g);
        for (const id of byGuid.get(g)!) {
          if (hit) result.set(id, { dn: hit.dn, known: -1 });
          else if (sidOf.has(id)) add(bySid, sidOf.get(id)!.toUpperCase(), id);
          else result.set(id, { reason: `not found in AD (no user with objectGUID ${g})` });
        }
      }
    }
    const sids = [...bySid.keys()];
    for (const batch of chunks(sids, limit)) {
      const found = await this.target.resolveUsersBySid(batch);
      const upper = new Map<string, { dn: string }>();
      for (const [k, v] of found) upper.set(k.toUpperCase(), v);
      for (const s of batch) {
        const hit = upper.get(s);
        for (const id of bySid.get(s)!) result.set(id, hit ? { dn: hit.dn, known: -1 } : { reason: `not found in AD (no user with objectGUID or objectSid ${s})` });
      }
    }
    for (const id of todo) {
      const o = result.get(id)!;
      this.remember(id, o);
    }
    return result;
  }
}
