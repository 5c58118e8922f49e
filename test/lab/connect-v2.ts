/**
 * The AD half of a tenant written back by Entra Connect Sync group writeback v2 (issue 9): a tenant file's
 * `$connectWriteback` section describes the groups Connect wrote into its own OU (outside the job's target OU),
 * and this module writes them into the lab DC as Connect would have:
 *  - security groups: universal security (groupType 0x80000008), `adminDescription = Group_<objectId>`, CN
 *    `Group_<objectId>` (Connect's default) or `<displayName>_<last 12 of objectId>` (the "writeback group DN with
 *    cloud display name" option), members = the cloud group's synced users and nested written-back groups, and no
 *    `msDS-ExternalDirectoryObjectId` (unless the spec gives an `anchor`);
 *  - Microsoft 365 groups (`"kind": "m365"`): universal distribution groups with mail and proxyAddresses.
 * The OU is created as Administrator and gets no delegation: the service account can read it (as any
 * authenticated user) but not write to it until an admin grants it (`grantGroupRights`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { guidBytesToString, sidBytesToString } from './ad-ids';
import type { TenantStore } from './graph/store';
import type { DcHandle } from './samba/dc';
import { escapeRdnValue } from './samba/dn';
import { CLASS_GUID } from './samba/constants';
import { LabError } from './samba/errors';
import { run } from './samba/exec';
import { seedUsers, type AdUserRecord } from './seed';
import type { ApplyTenantResult } from './tenant-file';

/** What discovery must say about a group (the fixture's expectation; never read by the product). */
export type ExpectedAction =
  | 'adopt'
  | 'alreadyAnchored'
  | 'leaveM365'
  | 'leaveCloudGroupGone'
  | 'leaveNotEligible'
  | 'conflictDuplicate'
  | 'conflictAnchoredElsewhere';

export interface ConnectAdGroupSpec {
  /** The cloud group's objectId (need not exist in the tenant: a group whose cloud object was deleted). */
  cloudId: string;
  /** CN format: 'objectId' → Group_<id>; 'displayName' → <displayName>_<last 12 of id>; else the literal CN. */
  cn: 'objectId' | 'displayName' | string;
  kind?: 'security' | 'm365';
  /** Needed when the cloud group does not exist. */
  displayName?: string;
  /** AD members as Connect last wrote them (UPNs or cloud group ids); default: the cloud group's members. */
  adMembers?: string[];
  /** A msDS-ExternalDirectoryObjectId already on the object. */
  anchor?: string;
  expect?: ExpectedAction;
}

export interface ConnectWritebackSpec {
  /** The Connect OU, relative to the base DN (e.g. "OU=Connect Groups"). */
  ou: string;
  /** Synced users generated for one big group (cloud and AD membership). */
  generatedMembers?: { group: string; prefix: string; count: number };
  adGroups: ConnectAdGroupSpec[];
}

export interface ConnectAdGroup {
  spec: ConnectAdGroupSpec;
  dn: string;
  objectGuid: string;
  objectSid: string;
}

export interface ConnectSeedResult {
  /** DN of the Connect OU. */
  ou: string;
  groups: ConnectAdGroup[];
  generatedUsers: AdUserRecord[];
  ms: number;
}

const GROUP_TYPE_UNIVERSAL_SECURITY = '-2147483640';
const GROUP_TYPE_UNIVERSAL_DISTRIBUTION = '8';

/** The `$connectWriteback` section of a tenant file (path relative to `root`, or a parsed document), or null. */
export function connectWritebackSpec(tenant: string | Record<string, unknown> | undefined, root: string): ConnectWritebackSpec | null {
  if (tenant === undefined) return null;
  const doc = typeof tenant === 'string' ? (JSON.parse(readFileSync(resolve(root, tenant), 'utf8')) as Record<string, unknown>) : tenant;
  const spec = doc.$connectWriteback as ConnectWritebackSpec | undefined;
  if (!spec) return null;
  if (typeof spec.ou !== 'string' || !Array.isArray(spec.adGroups)) {
    throw new LabError('$connectWriteback needs "ou" and "adGroups".', { target: '$connectWriteback', category: 'InvalidData', hint: 'See test/fixtures/tenants/connect-v2.json.' });
  }
  return spec;
}

/** Connect's CN for a group: Group_<objectId>, or <displayName>_<last 12 of objectId>. */
export function connectCn(spec: ConnectAdGroupSpec, displayName: string): string {
  if (spec.cn === 'objectId') return `Group_${spec.cloudId}`;
  if (spec.cn === 'displayName') return `${displayName.trim().slice(0, 51)}_${spec.cloudId.slice(-12)}`;
  return spec.cn;
}

async function addMembers(client: Client, dn: string, members: string[]): Promise<void> {
  for (let i = 0; i < members.length; i += 1000) {
    await client.modify(dn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: members.slice(i, i + 1000) }) }));
  }
}

/**
 * Write the Connect-side groups of `spec` into the DC (after applyTenant loaded the cloud side). `generatedMembers`
 * overrides the spec's count of generated big-group members (0 = none).
 */
export async function seedConnectWriteback(
  dc: DcHandle,
  store: TenantStore,
  applied: ApplyTenantResult,
  spec: ConnectWritebackSpec,
  opts: { generatedMembers?: number } = {},
): Promise<ConnectSeedResult> {
  const t0 = Date.now();
  const ou = `${spec.ou},${dc.baseDn}`;
  const userDn = new Map<string, string>();
  for (const u of applied.adUsers) userDn.set(u.userPrincipalName.toLowerCase(), u.dn);
  const cloudUserUpn = new Map<string, string>();
  for (const u of applied.loaded.users) cloudUserUpn.set(u.id.toLowerCase(), u.userPrincipalName.toLowerCase());

  // The big group's members: synced users in AD and in the emulator, members of the cloud group.
  let generatedUsers: AdUserRecord[] = [];
  const gen = spec.generatedMembers;
  const genCount = opts.generatedMembers ?? gen?.count ?? 0;
  if (gen && genCount > 0) {
    const seeded = await seedUsers(dc, store, { synced: genCount, prefix: gen.prefix });
    generatedUsers = seeded.ad;
    for (const u of seeded.synced) store.addMember(gen.group, u.id);
  }

  const client = await dc.connect('admin');
  try {
    await client.add(ou, { objectClass: ['top', 'organizationalUnit'], description: 'Entra Connect Sync group writeback v2 (lab)' });
    const created: ConnectAdGroup[] = [];
    const dnByCloudId = new Map<string, string>();
    for (const g of spec.adGroups) {
      const cloud = store.getGroup(g.cloudId);
      const displayName = cloud?.displayName ?? g.displayName ?? g.cloudId;
      const dn = `CN=${escapeRdnValue(connectCn(g, displayName))},${ou}`;
      const attrs: Record<string, string | string[]> = {
        objectClass: ['top', 'group'],
        groupType: g.kind === 'm365' ? GROUP_TYPE_UNIVERSAL_DISTRIBUTION : GROUP_TYPE_UNIVERSAL_SECURITY,
        adminDescription: `Group_${g.cloudId}`,
        displayName,
      };
      if (cloud?.description) attrs.description = cloud.description;
      if (g.kind === 'm365') {
        const mail = cloud?.mail ?? `${g.cloudId.slice(0, 8)}@contoso.onmicrosoft.com`;
        attrs.mail = mail;
        attrs.proxyAddresses = [`SMTP:${mail}`];
      }
      if (g.anchor) attrs['msDS-ExternalDirectoryObjectId'] = g.anchor;
      try {
        await client.add(dn, attrs);
      } catch (err) {
        throw new LabError(`Creating the Connect-written group ${dn} failed: ${(err as Error).message}`, { target: dn, category: 'WriteError', cause: err });
      }
      if (!dnByCloudId.has(g.cloudId.toLowerCase())) dnByCloudId.set(g.cloudId.toLowerCase(), dn);
      created.push({ spec: g, dn, objectGuid: '', objectSid: '' });
    }

    const generatedDns = generatedUsers.map((u) => u.dn);
    for (const c of created) {
      const g = c.spec;
      const refs = g.adMembers ?? store.membersOf(g.cloudId).map((m) => (m.kind === 'user' ? cloudUserUpn.get(m.id.toLowerCase()) ?? m.id : m.id));
      const dns: string[] = [];
      for (const r of refs) {
        const d = userDn.get(r.toLowerCase()) ?? dnByCloudId.get(r.toLowerCase());
        if (d) dns.push(d); // cloud-only users: Connect could not write them either
      }
      if (gen && g.cloudId.toLowerCase() === gen.group.toLowerCase() && !g.adMembers) dns.push(...generatedDns.filter((d) => !dns.includes(d)));
      const unique = [...new Set(dns)];
      if (unique.length) await addMembers(client, c.dn, unique);
    }

    for (const c of created) {
      const { searchEntries } = await client.search(c.dn, { scope: 'base', attributes: ['objectGUID', 'objectSid'], explicitBufferAttributes: ['objectGUID', 'objectSid'] });
      c.objectGuid = guidBytesToString(searchEntries[0].objectGUID as Buffer);
      c.objectSid = sidBytesToString(searchEntries[0].objectSid as Buffer);
    }
    return { ou, groups: created, generatedUsers, ms: Date.now() - t0 };
  } finally {
    await client.unbind().catch(() => {});
  }
}

/**
 * What an admin does for the service account on the Connect OU (Microsoft's Set-AADCloudSyncPermissions
 * UserGroupCreateDelete, or dsacls): list/read the OU, create/delete groups, read/write all properties of the
 * groups below it. `samba-tool dsacl set` on the running DC's database, as the golden build does.
 */
export async function grantGroupRights(dc: { dir: string; service: { sid: string } }, ouDn: string): Promise<void> {
  const sid = dc.service.sid;
  const g = CLASS_GUID.group;
  const sddl = `(A;;RPLCLORC;;;${sid})(OA;CI;CCDC;${g};;${sid})(OA;CIIO;RPWPLCLORC;;${g};${sid})`;
  // On the running DC's own database (LMDB is multi-process safe; the DC reads ACLs from it on every check).
  await run('samba-tool', ['dsacl', 'set', '-s', join(dc.dir, 'etc/smb.conf'), '-H', join(dc.dir, 'private/sam.ldb'), `--objectdn=${ouDn}`, `--sddl=${sddl}`]);
}
