/**
 * Where one user's access to each in-scope group stands, end to end: member in Entra (directly, or through an
 * access package assignment with its end date), member in AD, when this engine wrote (or removed) the membership
 * (provisioning log), and whether the user's current Kerberos ticket can carry the group yet. A Kerberos ticket
 * carries the groups of the moment its TGT was issued (the PAC): a ticket from before the write does not have the
 * group, one from before a removal still has it until it expires.
 *
 * `accessVerdict` is pure (tested with tables); `userAccess` gathers the facts through the two ports.
 */
import { normalizeDn } from '../directory/dn';
import type { AccessPackageGrant, CloudGroup } from '../model/cloud';
import type { Source, Target } from '../model/ports';
import type { ResolvedConfig } from '../config/types';
import { queryLog } from '../state/log';
import type { StateDoc } from '../state/types';
import { MemberResolver } from './members';
import { scopeGroup } from './scope';
import { anchorOf } from './types';
import { GwbError } from '../core/errors';

export type TokenState = 'yes' | 'no' | 'unknown' | 'notApplicable';

export interface AccessFacts {
  entraMember: boolean;
  adMember: boolean | null;
  writtenAt: string | null;
  removedAt: string | null;
  ticketIssuedAt: string | null;
}

export interface AccessVerdict {
  tokenHasGroup: TokenState;
  status: string;
  action: string | null;
}

const PURGE = 'sign out and in (or purge the tickets: klist purge) to get a ticket with the current groups';

/** Compare whole seconds: ticket times have second precision. */
const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function accessVerdict(f: AccessFacts): AccessVerdict {
  const t = f.ticketIssuedAt;
  if (f.adMember === null) return { tokenHasGroup: 'unknown', status: 'the group is not provisioned in AD', action: f.entraMember ? 'run a provisioning cycle' : null };
  if (f.adMember) {
    const drift = f.entraMember ? '' : ' (not a member in Entra ID: drift, the next cycle removes it)';
    if (!f.writtenAt) {
      return { tokenHasGroup: 'unknown', status: `member in AD${drift}; the provisioning log has no write for it (written by hand, or before the log's retention)`, action: null };
    }
    if (!t) return { tokenHasGroup: 'unknown', status: `member in AD since ${f.writtenAt}${drift}; the ticket time is unknown`, action: `if the user signed in before ${f.writtenAt}: ${PURGE}` };
    if (sec(t) > sec(f.writtenAt)) return { tokenHasGroup: 'yes', status: `member in AD since ${f.writtenAt}; the ticket of ${t} carries the group${drift}`, action: null };
    if (sec(t) === sec(f.writtenAt)) return { tokenHasGroup: 'unknown', status: `the ticket was issued in the same second as the write (${f.writtenAt})`, action: PURGE };
    return { tokenHasGroup: 'no', status: `member in AD since ${f.writtenAt}, but the ticket of ${t} was issued before the write`, action: PURGE };
  }
  if (f.entraMember) {
    return { tokenHasGroup: 'no', status: 'member in Entra ID, not yet in AD: the next provisioning cycle writes it', action: 'run a provisioning cycle (Start-GroupProvisioning) or wait for the next one' };
  }
  if (f.removedAt && t && sec(t) <= sec(f.removedAt)) {
    return { tokenHasGroup: 'yes', status: `removed from AD at ${f.removedAt}, but the ticket of ${t} still carries the group until it expires`, action: `to end access now: ${PURGE.replace('to get a ticket with the current groups', '')}`.trim() };
  }
  return { tokenHasGroup: f.removedAt && !t ? 'unknown' : 'notApplicable', status: f.removedAt ? `removed from AD at ${f.removedAt}` : 'not a member', action: null };
}

export interface AccessEntry extends AccessFacts, AccessVerdict {
  userId: string;
  userPrincipalName: string | null;
  groupId: string;
  displayName: string | null;
  /** direct, accessPackage */
  via: string[];
  accessPackages: Omit<AccessPackageGrant, 'groupId'>[];
  /** False when the access packages could not be read (permission missing): `via` may lack them. */
  accessPackagesKnown: boolean;
  adGroupDn: string | null;
  adUserDn: string | null;
  ticketSource: 'ccache' | 'lastLogon' | null;
}

export interface AccessQuery {
  user: string;
  /** Group ids or display names (case-insensitive); default every in-scope group. */
  groups?: string[];
  /** A ticket time from a credential cache (tgtIssuedAt) — else the user's lastLogon at the DC is used. */
  ticketIssuedAt?: string;
}

export interface AccessDeps {
  config: ResolvedConfig;
  source: Source;
  target: Target;
  doc: StateDoc;
  logDir: string;
  warn: (message: string) => void;
  signal?: AbortSignal;
}

export async function userAccess(d: AccessDeps, q: AccessQuery): Promise<AccessEntry[]> {
  const { source, target } = d;
  if (!source.findUser || !source.userGroupIds) throw new GwbError('This Source cannot read users.', { code: 'NotSupported', category: 'NotImplemented' });
  const user = await source.findUser(q.user, d.signal);
  if (!user) {
    throw new GwbError(`No user '${q.user}' in Entra ID.`, { code: 'UserNotFound', category: 'ObjectNotFound', target: q.user, hint: 'Give the userPrincipalName or the object id of an Entra ID user.' });
  }
  const userId = user.id.toLowerCase();
  const wanted = q.groups?.map((g) => g.toLowerCase());
  const groups: CloudGroup[] = [];
  for await (const page of source.listGroups(d.signal)) {
    for (const g of page) {
      if (!scopeGroup(g, d.config.scope).inScope) continue;
      if (wanted && !wanted.includes(g.id.toLowerCase()) && !wanted.includes((g.displayName ?? '').toLowerCase())) continue;
      groups.push(g);
    }
  }
  if (wanted && !groups.length) d.warn(`None of the groups ${q.groups!.join(', ')} is an in-scope group.`);
  const direct = new Set(await source.userGroupIds(userId, d.signal));
  let grants: AccessPackageGrant[] = [];
  let grantsKnown = true;
  if (source.accessPackageGrants) {
    try {
      grants = await source.accessPackageGrants(userId, d.signal);
    } catch (err) {
      grantsKnown = false;
      d.warn(`Access package assignments could not be read (${(err as Error).message}); grant the app EntitlementManagement.Read.All to see them.`);
    }
  } else grantsKnown = false;

  const resolver = new MemberResolver(source, target, { provisionOnPremisesUsers: true }, { resolveGroups: async () => new Map() });
  const u = (await resolver.resolveUsers([userId], d.signal)).get(userId);
  const adUserDn = u && 'dn' in u ? u.dn : null;
  if (!adUserDn && u && 'reason' in u) d.warn(`The user has no AD account the engine can write: ${u.reason}.`);
  let ticketIssuedAt = q.ticketIssuedAt ?? null;
  let ticketSource: AccessEntry['ticketSource'] = ticketIssuedAt ? 'ccache' : null;
  if (!ticketIssuedAt && adUserDn && target.readUserLogon) {
    const l = await target.readUserLogon(adUserDn);
    if (l.lastLogon) {
      ticketIssuedAt = l.lastLogon;
      ticketSource = 'lastLogon';
    }
  }
  const userKey = adUserDn ? normalizeDn(adUserDn) : null;

  const out: AccessEntry[] = [];
  for (const g of groups) {
    const id = g.id.toLowerCase();
    const record = d.doc.groups[id];
    let dn = record?.status === 'managed' ? record.dn : null;
    if (!dn) {
      const found = await target.findByAnchor(anchorOf(id));
      dn = found.length === 1 ? found[0].dn : null;
    }
    const adMember = dn && userKey ? (await target.readMembers(dn)).some((m) => normalizeDn(m) === userKey) : dn ? false : null;
    let writtenAt: string | null = null;
    let removedAt: string | null = null;
    for await (const e of queryLog(d.logDir, { groupId: id, action: ['memberAdd', 'memberRemove'] })) {
      if (e.action === 'memberAdd' && e.memberIds?.map((m) => m.toLowerCase()).includes(userId)) writtenAt = e.timestamp;
      if (e.action === 'memberRemove' && userKey && ([] as string[]).concat(e.modified?.[0]?.old ?? []).some((m) => normalizeDn(m) === userKey)) removedAt = e.timestamp;
    }
    if (writtenAt && removedAt) {
      if (removedAt > writtenAt) writtenAt = null;
      else removedAt = null;
    }
    const mine = grants.filter((x) => x.groupId === id);
    // An access package delivers a (direct) Entra membership: Graph cannot tell it from one added by hand.
    const via = mine.some((x) => x.state === 'delivered') ? ['accessPackage'] : direct.has(id) ? ['direct'] : [];
    const facts: AccessFacts = { entraMember: direct.has(id), adMember, writtenAt, removedAt, ticketIssuedAt };
    out.push({
      userId, userPrincipalName: user.userPrincipalName ?? null, groupId: id, displayName: g.displayName, via,
      accessPackages: mine.map(({ groupId: _g, ...rest }) => rest), accessPackagesKnown: grantsKnown,
      adGroupDn: dn, adUserDn, ticketSource, ...facts, ...accessVerdict(facts),
    });
  }
  return out;
}
