/**
 * Directory prerequisites, per domain controller: TCP reachable, TLS certificate trusted and naming the host,
 * bind works; then on one DC that binds: the schema knows msDS-ExternalDirectoryObjectId, the target OUs exist,
 * and the account can create, modify and delete groups there (a probe group, deleted again at once).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config';
import { GwbError } from '../core/errors';
import {
  ANCHOR_ATTRIBUTE, DirectoryError, LdapPool, LdapTarget, cnDn, eq, isDescendantOf, normalizeDn, present, resultCodeOf,
  toDirectoryError,
} from '../directory';
import { ldapTargetOptionsOf } from './connections';
import { parseLdapUrl, probeTcp, probeTls } from './net';
import { kerberosChecks } from './kerberos-checks';
import { row, type CheckRow } from './types';
import type { CheckContext } from './graph-checks';

const AREA = 'Directory';
const UNIVERSAL_SECURITY = '-2147483640';
const WARN_DAYS = 30;

/** Which checks can run: the bind and everything after it need the directory password. */
export interface DirectoryCheckOptions {
  havePassword: boolean;
  /** Skip the create/modify/delete probe. */
  skipWriteProbe?: boolean;
}

function errorText(err: unknown): { message: string; fix: string | null } {
  if (err instanceof GwbError) return { message: err.message, fix: err.hint ?? null };
  return { message: (err as Error)?.message ?? String(err), fix: null };
}

function entryValues(entry: Record<string, unknown> | undefined, name: string): string[] {
  if (!entry) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return [];
  return ([] as unknown[]).concat(entry[key]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** Every string inside a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** DN literals inside the domain in the mapping rules (e.g. the OUs of a Switch on parentDistinguishedName). */
export function dnLiterals(mappings: unknown[], baseDn: string): string[] {
  const found = new Map<string, string>();
  for (const text of strings(mappings ?? [])) {
    for (const m of text.matchAll(/(?:OU|CN)=[^"]*?,\s*DC=[^",)]+(?:\s*,\s*DC=[^",)]+)*/gi)) {
      try {
        if (isDescendantOf(m[0], baseDn) && !found.has(normalizeDn(m[0]))) found.set(normalizeDn(m[0]), m[0]);
      } catch {
        /* not a DN after all */
      }
    }
  }
  return [...found.values()];
}

export async function directoryChecks(config: ResolvedConfig, ctx: CheckContext, opts: DirectoryCheckOptions): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  let ca: Buffer | undefined;
  if (config.directory.caFile) {
    try {
      ca = readFileSync(config.directory.caFile);
    } catch (err) {
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Failed', config.directory.caFile,
        `Cannot read directory.caFile ${config.directory.caFile}: ${(err as Error).message}`,
        'Point directory.caFile at a readable PEM file holding the CA that issued the domain controllers\' certificates.'));
    }
  }

  // Per domain controller: TCP, TLS, bind.
  const bound: string[] = [];
  for (const url of config.directory.urls) {
    const ep = parseLdapUrl(url);
    const tcp = await probeTcp(ep.host, ep.port, ctx.timeoutMs, ctx.signal);
    if (!tcp.ok) {
      rows.push(row(AREA, 'directory.reachable', 'Directory reachable', 'Failed', url, `Cannot open TCP ${ep.host}:${ep.port} (${tcp.code}: ${tcp.message}).`,
        `Check the DC name in directory.urls and that TCP ${ep.port} is open from this host to the DC (firewall, DNS).`));
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Skipped', url, 'Not checked: the DC is not reachable.'));
      rows.push(row(AREA, 'directory.bind', 'Directory bind', 'Skipped', url, 'Not checked: the DC is not reachable.'));
      continue;
    }
    rows.push(row(AREA, 'directory.reachable', 'Directory reachable', 'Passed', url, `TCP ${ep.host}:${ep.port} accepts connections.`));

    const kerberos = config.directory.auth.type === 'kerberos';
    if (kerberos) {
      for (const r of await kerberosChecks(config, ep.host, ctx.timeoutMs)) rows.push({ ...r, target: r.target ?? url });
    }
    if (kerberos && !ep.secure) {
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Skipped', url, 'Not needed: the Kerberos bind on ldap:// signs and seals the connection (SASL GSSAPI).'));
    }
    const tls = kerberos && !ep.secure ? { handshake: true, authorized: true, hostnameMatches: true } as Awaited<ReturnType<typeof probeTls>> : await probeTls(ep, ca, ctx.timeoutMs);
    const how = ep.secure ? 'LDAPS' : 'StartTLS';
    let tlsOk = false;
    if (!tls.handshake) {
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Failed', url, `No TLS session over ${how}: ${tls.error}.`,
        ep.secure
          ? 'Give the DC a server certificate (Domain Controller / Kerberos Authentication template) so it serves LDAPS on 636, or use ldap:// with StartTLS.'
          : 'Give the DC a server certificate so it accepts StartTLS, or use ldaps://.'));
    } else if (!tls.authorized) {
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Failed', url,
        `The certificate of ${ep.host} (${tls.subject ?? 'no subject'}, issued by ${tls.issuer ?? 'unknown'}) is not trusted: ${tls.error}.`,
        /EXPIRED|NOT_YET_VALID/i.test(tls.error ?? '')
          ? 'Renew the domain controller\'s certificate (and check this host\'s clock).'
          : 'Set directory.caFile to the PEM file of the CA that issued the DC\'s certificate (or add that CA to the system trust store).'));
    } else if (!tls.hostnameMatches) {
      rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Failed', url,
        `The certificate (${tls.subject ?? ''}; ${tls.subjectAltName ?? 'no subjectAltName'}) does not name ${ep.host}: ${tls.hostnameError}.`,
        'Use a DC name from the certificate in directory.urls, or reissue the certificate with that name in its subjectAltName.'));
    } else if (kerberos && !ep.secure) {
      tlsOk = true;
    } else {
      tlsOk = true;
      const days = tls.validTo ? Math.floor((tls.validTo.getTime() - Date.now()) / 86_400_000) : null;
      const until = tls.validTo ? tls.validTo.toISOString().slice(0, 10) : 'unknown';
      if (days !== null && days < WARN_DAYS) {
        rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Warning', url,
          `Trusted over ${how}, but it expires in ${days} day(s) (${until}).`, 'Renew the domain controller\'s certificate before it expires.'));
      } else {
        rows.push(row(AREA, 'directory.tls', 'Directory TLS certificate', 'Passed', url, `Trusted over ${how}: ${tls.subject ?? ''}, issued by ${tls.issuer ?? ''}, valid until ${until}.`));
      }
    }

    if (!opts.havePassword) {
      rows.push(row(AREA, 'directory.bind', 'Directory bind', 'Skipped', url, 'Not checked: the directory password was not provided.', 'Pass -Credential (or configure directory.password).'));
      continue;
    }
    if (!tlsOk) {
      rows.push(row(AREA, 'directory.bind', 'Directory bind', 'Skipped', url, 'Not checked: no trusted TLS session (the password is never sent in clear).'));
      continue;
    }
    const target = new LdapTarget(ldapTargetOptionsOf(config, [url]));
    try {
      const r = await target.checkConnection();
      bound.push(url);
      rows.push(row(AREA, 'directory.bind', 'Directory bind', 'Passed', url, kerberos
        ? `Bound with Kerberos (Negotiate, ${ep.secure ? 'over LDAPS' : 'signed and sealed'}) as ${config.directory.auth.type === 'kerberos' && config.directory.auth.principal ? config.directory.auth.principal : 'this process\'s Kerberos identity'}; the base DN ${r.baseDn} is readable.`
        : `Bound as ${config.directory.bindDn}; the base DN ${r.baseDn} is readable.`));
    } catch (err) {
      const d = errorText(err);
      rows.push(row(AREA, 'directory.bind', 'Directory bind', 'Failed', url, d.message, d.fix));
    } finally {
      await target.close();
    }
  }

  const containers = [config.target.container, ...dnLiterals(config.mappings, config.directory.baseDn)
    .filter((dn) => normalizeDn(dn) !== normalizeDn(config.target.container))];
  if (bound.length === 0) {
    const why = opts.havePassword ? 'no domain controller accepted the bind' : 'the directory password was not provided';
    rows.push(row(AREA, 'directory.schema', 'Directory schema', 'Skipped', null, `Not checked: ${why}.`));
    for (const c of containers) rows.push(row(AREA, 'directory.container', 'Target container', 'Skipped', c, `Not checked: ${why}.`));
    if (!opts.skipWriteProbe) rows.push(row(AREA, 'directory.permissions', 'Create/modify/delete groups', 'Skipped', config.target.container, `Not checked: ${why}.`));
    return rows;
  }

  const url = bound[0];
  const base = ldapTargetOptionsOf(config, [url]);
  const pool = new LdapPool({ urls: [url], bindDn: base.bindDn, password: base.password, ...(base.caFile ? { caFile: base.caFile } : {}), ...(base.connector ? { connector: base.connector } : {}), size: 1, timeoutMs: base.timeoutMs });
  let anchorKnown = false;
  let containerOk = false;
  try {
    // Schema.
    try {
      const schemaNc = await pool.use(async (client) => {
        const res = await client.search('', { scope: 'base', filter: present('objectClass'), attributes: ['schemaNamingContext'] });
        return entryValues(res.searchEntries[0] as Record<string, unknown> | undefined, 'schemaNamingContext')[0];
      });
      if (!schemaNc) throw new Error('the rootDSE names no schemaNamingContext');
      const entries = await pool.use(async (client) =>
        (await client.search(schemaNc, { scope: 'one', filter: eq('lDAPDisplayName', ANCHOR_ATTRIBUTE), attributes: ['lDAPDisplayName', 'searchFlags', 'isSingleValued'] })).searchEntries);
      if (entries.length === 0) {
        rows.push(row(AREA, 'directory.schema', 'Directory schema', 'Failed', schemaNc, `The schema has no ${ANCHOR_ATTRIBUTE} attribute (it came with the Windows Server 2016 schema).`,
          'Extend the forest schema to Windows Server 2016 or later: run adprep /forestprep (or Setup of a 2016+ DC) as a Schema Admin.'));
      } else {
        anchorKnown = true;
        const flags = Number(entryValues(entries[0] as Record<string, unknown>, 'searchFlags')[0] ?? '0');
        if ((flags & 1) === 0) {
          rows.push(row(AREA, 'directory.schema', 'Directory schema', 'Warning', entries[0].dn, `${ANCHOR_ATTRIBUTE} exists but is not indexed: every anchor lookup scans the domain.`,
            `Set searchFlags bit 1 (indexed) on ${entries[0].dn}.`));
        } else {
          rows.push(row(AREA, 'directory.schema', 'Directory schema', 'Passed', entries[0].dn, `${ANCHOR_ATTRIBUTE} exists and is indexed.`));
        }
      }
    } catch (err) {
      const d = errorText(err instanceof GwbError ? err : toDirectoryError(err, { operation: 'search', url }));
      rows.push(row(AREA, 'directory.schema', 'Directory schema', 'Failed', url, `Cannot read the schema: ${d.message}`, d.fix ?? 'Check that the service account can read the schema partition.'));
    }

    // Target containers.
    let canCreate: boolean | undefined;
    for (const dn of containers) {
      const isMain = dn === config.target.container;
      if (!isDescendantOf(dn, config.directory.baseDn)) {
        rows.push(row(AREA, 'directory.container', 'Target container', 'Failed', dn, `${dn} is not inside the domain ${config.directory.baseDn}.`,
          'Set target.container to an OU of the configured domain (Set-GroupWritebackConfiguration -TargetContainer).'));
        continue;
      }
      try {
        const entry = await pool.use(async (client) => {
          try {
            const res = await client.search(dn, { scope: 'base', filter: present('objectClass'), attributes: ['objectClass', 'allowedChildClassesEffective'] });
            return res.searchEntries[0] as Record<string, unknown> | undefined;
          } catch (err) {
            if (resultCodeOf(err) === 32) return undefined;
            throw toDirectoryError(err, { operation: 'search', dn, url });
          }
        });
        if (!entry) {
          rows.push(row(AREA, 'directory.container', 'Target container', 'Failed', dn, `${dn} does not exist (or the service account cannot see it).`,
            isMain
              ? `Create the OU (e.g. New-ADOrganizationalUnit), or point target.container at an existing one (Set-GroupWritebackConfiguration -TargetContainer).`
              : 'Create the OU the mapping routes groups to, or fix the mapping.'));
          continue;
        }
        const classes = entryValues(entry, 'allowedChildClassesEffective').map((c) => c.toLowerCase());
        const groupsAllowed = classes.includes('group');
        if (isMain) {
          containerOk = true;
          canCreate = groupsAllowed;
        }
        rows.push(row(AREA, 'directory.container', 'Target container', 'Passed', dn,
          `${dn} exists${groupsAllowed ? '; the service account may create groups in it' : ''}.`));
      } catch (err) {
        const d = errorText(err);
        rows.push(row(AREA, 'directory.container', 'Target container', 'Failed', dn, d.message, d.fix));
      }
    }

    // Write probe: create, modify, delete a probe group (nothing stays behind).
    if (opts.skipWriteProbe) return rows;
    if (!containerOk) {
      rows.push(row(AREA, 'directory.permissions', 'Create/modify/delete groups', 'Skipped', config.target.container, 'Not checked: the target container is not usable.'));
      return rows;
    }
    rows.push(await writeProbe(config, url, anchorKnown, canCreate));
  } finally {
    await pool.close();
  }
  return rows;
}

async function writeProbe(config: ResolvedConfig, url: string, anchorKnown: boolean, canCreate: boolean | undefined): Promise<CheckRow> {
  const container = config.target.container;
  const who = config.directory.bindDn;
  const grant = `Delegate to ${who} on ${container}: Create and Delete Group objects, and Read/Write all properties of descendant Group objects ` +
    `(Active Directory Users and Computers → Delegate Control, or Set-AADCloudSyncPermissions -PermissionType UserGroupCreateDelete).`;
  const check = 'Create/modify/delete groups';
  const cn = `GroupWriteback-probe-${randomBytes(6).toString('hex')}`;
  const dn = cnDn(cn, container);
  const target = new LdapTarget({ ...ldapTargetOptionsOf(config, [url]), searchBase: container });
  let created = false;
  let step = 'create';
  try {
    const attrs: Record<string, string> = {
      objectClass: 'group',
      groupType: UNIVERSAL_SECURITY,
      description: 'GroupWriteback prerequisite check: created and deleted again by Test-GroupWritebackConfiguration.',
    };
    await target.createGroup(dn, attrs);
    created = true;
    step = 'modify';
    const changes: Record<string, string> = { description: 'GroupWriteback prerequisite check (modified).' };
    if (anchorKnown) changes[ANCHOR_ATTRIBUTE] = `GwbProbe_${randomUUID()}`;
    changes.displayName = cn;
    await target.modifyGroup(dn, changes);
    step = 'delete';
    await target.deleteGroup(dn);
    created = false;
    const still = await target.readGroup(dn);
    if (still) {
      return row(AREA, 'directory.permissions', check, 'Failed', container, `The probe group ${dn} is still there after a successful delete.`, `Delete ${dn} by hand, then check for a protection on the container.`);
    }
    return row(AREA, 'directory.permissions', check, 'Passed', container,
      `Created, modified (description, displayName${anchorKnown ? `, ${ANCHOR_ATTRIBUTE}` : ''}) and deleted a probe universal security group in ${container}; nothing was left behind.`);
  } catch (err) {
    const e = err instanceof DirectoryError ? err : undefined;
    const denied = e?.resultCode === 50 || e?.code === 'InsufficientAccessRights';
    const message = `Cannot ${step} a group in ${container}: ${(err as Error).message}${canCreate === false && step === 'create' ? ' (allowedChildClassesEffective does not list group)' : ''}`;
    let fix = denied ? grant : errorText(err).fix ?? grant;
    if (created) {
      try {
        await target.deleteGroup(dn);
        created = false;
      } catch {
        fix += ` The probe group ${dn} could not be deleted: delete it by hand.`;
      }
    }
    return row(AREA, 'directory.permissions', check, 'Failed', container, message, fix);
  } finally {
    await target.close();
  }
}
