/**
 * Lab tenant files: `{ "users": [...], "groups": [...] }` of Graph-shaped objects (`id` optional). The emulator's
 * loader (graph/tenant-loader.ts) puts them into the Graph store and resolves group "members" (ids,
 * userPrincipalNames, group displayNames). This module does the AD half first:
 *  - a user with `"synced": true` is created in the DC (OU=Synced Users) and gets onPremises* from AD;
 *  - a group with `"synced": true` is created in the DC (OU=Synced Groups, its synced members added in AD too)
 *    and gets onPremisesSyncEnabled, onPremisesSecurityIdentifier, onPremisesSamAccountName… from AD.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Change, Attribute } from 'ldapts';
import { sidBytesToString } from './ad-ids';
import type { LoadResult } from './graph/tenant-loader';
import type { GraphUser, TenantFile } from './graph/types';
import type { DcHandle } from './samba/dc';
import { escapeRdnValue } from './samba/dn';
import { LabError } from './samba/errors';
import { createAdUsers, syncedGraphUser, type AdUserRecord, type AdUserSpec } from './seed';

export type { TenantFile };

export interface TenantLoader {
  loadTenant(tenant: TenantFile): LoadResult;
}

type Entry = Record<string, unknown>;

function fail(message: string, target: unknown, hint: string): never {
  throw new LabError(message, { target, category: 'InvalidData', hint });
}

/** Parse and shape-check a tenant file (relative paths resolve against `cwd`). */
export function readTenantFile(path: string, cwd = process.cwd()): TenantFile {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LabError(`Cannot read tenant file ${file}: ${(err as Error).message}`, {
      target: file, category: 'ObjectNotFound', hint: 'Pass an existing JSON file, e.g. test/fixtures/tenants/demo.json.', cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(`Tenant file ${file} is not valid JSON: ${(err as Error).message}`, file, 'Fix the JSON syntax.');
  }
  return checkTenant(doc, file);
}

export function checkTenant(doc: unknown, target: unknown = 'tenant'): TenantFile {
  const hint = 'A tenant is { "users": [ {…}, … ], "groups": [ {…, "members": [id | userPrincipalName | group displayName] }, … ] }.';
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('A tenant must be a JSON object.', target, hint);
  const t = doc as Record<string, unknown>;
  for (const k of Object.keys(t)) if (k !== 'users' && k !== 'groups' && !k.startsWith('$')) fail(`Unknown tenant key "${k}".`, target, hint);
  for (const k of ['users', 'groups'] as const) {
    if (t[k] === undefined) continue;
    if (!Array.isArray(t[k]) || (t[k] as unknown[]).some((e) => !e || typeof e !== 'object' || Array.isArray(e))) {
      fail(`"${k}" must be an array of objects.`, target, hint);
    }
  }
  for (const u of (t.users ?? []) as Entry[]) {
    if (u.synced === true && typeof u.userPrincipalName !== 'string') {
      fail(`A synced user needs a userPrincipalName: ${JSON.stringify(u).slice(0, 120)}`, target, hint);
    }
  }
  for (const g of (t.groups ?? []) as Entry[]) {
    if (typeof g.displayName !== 'string') fail(`A group needs a displayName: ${JSON.stringify(g).slice(0, 120)}`, target, hint);
  }
  return { users: t.users as Entry[] | undefined, groups: t.groups as Entry[] | undefined };
}

function samFromUpn(upn: string): string {
  return upn.split('@')[0].replace(/["/\\[\]:;|=,+*?<>]/g, '').slice(0, 20);
}

function groupSam(g: Entry): string {
  const raw = (g.onPremisesSamAccountName ?? g.mailNickname ?? g.displayName) as string;
  return raw.replace(/["/\\[\]:;|=,+*?<>@]/g, '').replace(/\s+/g, '-').slice(0, 64);
}

export interface AdSyncedGroup {
  id: string;
  dn: string;
  samAccountName: string;
  objectSid: string;
}

export interface ApplyTenantResult {
  adUsers: AdUserRecord[];
  adGroups: AdSyncedGroup[];
  loaded: LoadResult;
}

const GROUP_TYPE_GLOBAL_SECURITY = -2147483646;
const GROUP_TYPE_UNIVERSAL_DISTRIBUTION = 8;

/** Create the synced objects of `tenant` in AD, then load the (enriched) tenant into the emulator store. */
export async function applyTenant(dc: DcHandle, store: TenantLoader, tenant: TenantFile): Promise<ApplyTenantResult> {
  checkTenant(tenant);
  const withId = (e: Entry): Entry & { id: string } => ({ ...e, id: (e.id as string | undefined) ?? randomUUID() });
  const users = (tenant.users ?? []).map(withId);
  const groups = (tenant.groups ?? []).map(withId);

  // Synced users → AD first (their onPremises* come from what AD assigned).
  const syncedUsers = users.filter((u) => u.synced === true);
  const specs: AdUserSpec[] = syncedUsers.map((u) => ({
    samAccountName: (u.onPremisesSamAccountName as string | undefined) ?? samFromUpn(u.userPrincipalName as string),
    userPrincipalName: u.userPrincipalName as string,
    displayName: u.displayName as string | undefined,
    givenName: u.givenName as string | undefined,
    surname: u.surname as string | undefined,
    mail: u.mail as string | undefined,
  }));
  const adUsers = await createAdUsers(dc, specs);
  const enrichedUsers: Entry[] = users.map((u) => {
    const i = syncedUsers.indexOf(u);
    const { synced: _s, ...rest } = u;
    if (i < 0) return rest;
    const fromAd = syncedGraphUser(adUsers[i], dc);
    const onPrem = Object.fromEntries(Object.entries(fromAd).filter(([k]) => k.startsWith('onPremises')));
    return { ...fromAd, ...rest, ...onPrem } as Partial<GraphUser>;
  });

  // Synced groups → AD (global security, or universal distribution when not security-enabled).
  const syncedGroups = groups.filter((g) => g.synced === true);
  const adGroups: AdSyncedGroup[] = [];
  const enrichedGroups: Entry[] = groups.map(({ synced: _s, ...rest }) => rest);
  if (syncedGroups.length > 0) {
    const client = await dc.connect('admin');
    try {
      for (const g of syncedGroups) {
        const sam = groupSam(g);
        const dn = `CN=${escapeRdnValue(g.displayName as string)},${dc.syncedGroupsOu}`;
        const attrs: Record<string, string | string[]> = {
          objectClass: ['top', 'group'],
          sAMAccountName: sam,
          groupType: String(g.securityEnabled === false ? GROUP_TYPE_UNIVERSAL_DISTRIBUTION : GROUP_TYPE_GLOBAL_SECURITY),
        };
        if (typeof g.description === 'string') attrs.description = g.description;
        if (typeof g.mail === 'string') attrs.mail = g.mail;
        await client.add(dn, attrs);
        const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
        const sid = sidBytesToString(searchEntries[0].objectSid as Buffer);
        adGroups.push({ id: g.id, dn, samAccountName: sam, objectSid: sid });
      }
      // AD memberships of synced groups: their members that exist in AD (synced users and synced groups).
      const adDnByRef = new Map<string, string>();
      syncedUsers.forEach((u, i) => {
        adDnByRef.set(u.id.toLowerCase(), adUsers[i].dn);
        adDnByRef.set((u.userPrincipalName as string).toLowerCase(), adUsers[i].dn);
      });
      syncedGroups.forEach((g, i) => {
        adDnByRef.set(g.id.toLowerCase(), adGroups[i].dn);
        adDnByRef.set((g.displayName as string).toLowerCase(), adGroups[i].dn);
      });
      for (const [i, g] of syncedGroups.entries()) {
        const refs = Array.isArray(g.members) ? (g.members as unknown[]) : [];
        const dns = [...new Set(refs.map((r) => (typeof r === 'string' ? adDnByRef.get(r.toLowerCase()) : undefined)).filter((d): d is string => !!d))];
        if (dns.length > 0) {
          await client.modify(adGroups[i].dn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns }) }));
        }
      }
    } catch (err) {
      throw err instanceof LabError ? err : new LabError(`Creating synced groups in AD failed: ${(err as Error).message}`, {
        target: dc.syncedGroupsOu, category: 'WriteError', hint: 'Synced group displayNames and sAMAccountNames must be unique.', cause: err,
      });
    } finally {
      await client.unbind().catch(() => {});
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const [i, g] of syncedGroups.entries()) {
      const idx = groups.indexOf(g);
      enrichedGroups[idx] = {
        securityEnabled: true,
        mailEnabled: false,
        ...enrichedGroups[idx],
        onPremisesSyncEnabled: true,
        onPremisesSecurityIdentifier: adGroups[i].objectSid,
        onPremisesSamAccountName: adGroups[i].samAccountName,
        onPremisesDomainName: dc.domain,
        onPremisesNetBiosName: dc.netbiosDomain,
        onPremisesLastSyncDateTime: now,
      };
    }
  }

  const loaded = store.loadTenant({ users: enrichedUsers, groups: enrichedGroups });
  return { adUsers, adGroups, loaded };
}
