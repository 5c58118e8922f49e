/**
 * Builds the GOLDEN Samba AD DC directory, offline, once: provision (lmdb, no DNS, LDAP only), our own TLS
 * cert, password expiry off, schema extended with msDS-ExternalDirectoryObjectId, the lab OUs and the
 * delegated service account `gwb-svc` with only the rights group provisioning needs.
 *
 * The cache key of the golden copy is a hash of this file (and constants.ts), so editing either rebuilds it.
 * Nothing here runs the DC: every step edits the stopped directory (samba-tool/ldb tools with -H <sam.ldb>).
 * Passwords never appear in argv: they are generated here and set through LDIF files (0600, deleted after).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertPaths } from '../tls';
import {
  ADMIN_DN, BASE_DN, CLASS_GUID, HOST_NAME, NETBIOS_DOMAIN, REALM, SERVICE_ACCOUNT, SERVICE_DN, SERVICE_OU,
  DNS_DOMAIN, STATE_CONTAINER, SYNCED_GROUPS_OU, TARGET_OU, TARGET_OU_2, USERS_OU,
} from './constants';
import { run } from './exec';

export interface GoldenSecrets {
  adminPassword: string;
  servicePassword: string;
}

export interface GoldenMeta {
  key: string;
  builtAt: string;
  buildMs: number;
  sambaVersion: string;
  domainSid: string;
  serviceSid: string;
}

export const SECRETS_FILE = 'lab-secrets.json';
/** Keytab of the service account (gwb-svc@REALM), exported offline at build time; every clone copies it. */
export const SERVICE_KEYTAB = 'gwb-svc.keytab';
export const META_FILE = 'golden.json';
/** The `interfaces` value written at build time; each clone replaces it with its own address. */
export const PLACEHOLDER_INTERFACES = '127.0.0.1/8';

/** A random password that satisfies AD complexity (upper, lower, digit, symbol; > 7 chars). */
function newPassword(): string {
  return `Lab-${randomBytes(18).toString('base64url')}-9x`;
}

function unicodePwd(password: string): string {
  return Buffer.from(`"${password}"`, 'utf16le').toString('base64');
}

const UF_NORMAL_ACCOUNT = 0x200;
const UF_DONT_EXPIRE_PASSWD = 0x10000;

/** Offline schema extension, as in Windows 2016: two separate ldbmodify transactions (see the lab notes §7). */
function schemaAttributeLdif(): string {
  return `dn: CN=ms-DS-External-Directory-Object-Id,CN=Schema,CN=Configuration,${BASE_DN}
changetype: add
objectClass: top
objectClass: attributeSchema
cn: ms-DS-External-Directory-Object-Id
attributeID: 1.2.840.113556.1.4.2310
attributeSyntax: 2.5.5.12
oMSyntax: 64
isSingleValued: TRUE
rangeUpper: 256
showInAdvancedViewOnly: FALSE
adminDisplayName: ms-DS-External-Directory-Object-Id
adminDescription: ms-DS-External-Directory-Object-Id
searchFlags: 9
lDAPDisplayName: msDS-ExternalDirectoryObjectId
schemaIDGUID:: kL8pva1m4UCIexDfBwQZpg==
attributeSecurityGUID:: hri1d0qU0RGuvQAA+ANnwQ==
systemOnly: FALSE
isMemberOfPartialAttributeSet: TRUE
`;
}

function schemaClassLdif(): string {
  return `dn: CN=Mail-Recipient,CN=Schema,CN=Configuration,${BASE_DN}
changetype: modify
add: mayContain
mayContain: msDS-ExternalDirectoryObjectId
-
`;
}

function objectsLdif(secrets: GoldenSecrets): string {
  const ou = (dn: string, description: string): string =>
    `dn: ${dn}\nchangetype: add\nobjectClass: organizationalUnit\ndescription: ${description}\n`;
  return [
    ou(TARGET_OU, 'GroupWriteback target OU (lab)'),
    ou(TARGET_OU_2, 'Second GroupWriteback target OU (container-change tests)'),
    ou(USERS_OU, 'Users synced to Entra ID by (simulated) Entra Connect'),
    ou(SYNCED_GROUPS_OU, 'Groups synced to Entra ID by (simulated) Entra Connect'),
    ou(SERVICE_OU, 'Service accounts'),
    `dn: ${STATE_CONTAINER}\nchangetype: add\nobjectClass: container\ndescription: GroupWriteback job state (state.store "directory")\n`,
    `dn: ${SERVICE_DN}
changetype: add
objectClass: user
sAMAccountName: ${SERVICE_ACCOUNT}
userPrincipalName: ${SERVICE_ACCOUNT}@${DNS_DOMAIN}
displayName: GroupWriteback service account
description: Delegated: create/delete/write groups in the Cloud Groups OUs, read users
unicodePwd:: ${unicodePwd(secrets.servicePassword)}
userAccountControl: ${UF_NORMAL_ACCOUNT | UF_DONT_EXPIRE_PASSWD}
`,
    `dn: ${ADMIN_DN}
changetype: modify
replace: unicodePwd
unicodePwd:: ${unicodePwd(secrets.adminPassword)}
-
replace: userAccountControl
userAccountControl: ${UF_NORMAL_ACCOUNT | UF_DONT_EXPIRE_PASSWD}
-
`,
  ].join('\n');
}

/**
 * The delegation, as SDDL ACEs for `samba-tool dsacl set` (one call per OU, all ACEs at once):
 *  - on each Cloud Groups OU: list/read the OU itself; create + delete child objects of class group (CI:
 *    also in sub-OUs); read + write all properties on descendant group objects (CIIO, inherited object type group).
 *  - on Synced Users / Synced Groups: list/read the OU; read properties on descendant users / groups
 *    (Authenticated Users can read them by default too; the explicit grant documents what the engine needs).
 *  - on the GroupWriteback state container (CN=GroupWriteback,CN=Program Data): list/read it; create + delete
 *    child objects of class msDS-App-Configuration; read + write all properties on them (the job state and
 *    its lease, docs/hybrid-workers.md).
 * Nothing else: gwb-svc is a plain Domain User, not in any admin group.
 */
export function delegationAces(serviceSid: string): { objectDn: string; sddl: string }[] {
  const g = CLASS_GUID.group;
  const u = CLASS_GUID.user;
  const groupOuAces = `(A;;RPLCLORC;;;${serviceSid})(OA;CI;CCDC;${g};;${serviceSid})(OA;CIIO;RPWPLCLORC;;${g};${serviceSid})`;
  return [
    { objectDn: TARGET_OU, sddl: groupOuAces },
    { objectDn: TARGET_OU_2, sddl: groupOuAces },
    { objectDn: USERS_OU, sddl: `(A;;RPLCLORC;;;${serviceSid})(OA;CIIO;RPLCLORC;;${u};${serviceSid})` },
    {
      objectDn: STATE_CONTAINER,
      sddl: `(A;;RPLCLORC;;;${serviceSid})(OA;;CCDC;${CLASS_GUID.appConfiguration};;${serviceSid})(OA;CIIO;RPWPLCLORCSDDT;;${CLASS_GUID.appConfiguration};${serviceSid})`,
    },
    { objectDn: SYNCED_GROUPS_OU, sddl: `(A;;RPLCLORC;;;${serviceSid})(OA;CIIO;RPLCLORC;;${g};${serviceSid})` },
  ];
}

/** The DC's computer account and the ldap/ SPNs for its names (host short name and FQDN, with and without the domain). */
export const DC_ACCOUNT_DN = `CN=${HOST_NAME.toUpperCase()},OU=Domain Controllers,${BASE_DN}`;
function dcSpnLdif(): string {
  const fqdn = `${HOST_NAME}.${DNS_DOMAIN}`;
  const spns = [`ldap/${fqdn}`, `ldap/${HOST_NAME}`, `ldap/${fqdn}/${DNS_DOMAIN}`, `ldap/${fqdn}/${NETBIOS_DOMAIN}`];
  return `dn: ${DC_ACCOUNT_DN}\nchangetype: modify\nadd: servicePrincipalName\n${spns.map((x) => `servicePrincipalName: ${x}\n`).join('')}-\n`;
}

function smbConfExtras(dir: string): string[] {
  const tls = join(dir, 'private/tls');
  return [
    '\ttls enabled = yes',
    `\ttls keyfile = ${tls}/lab-key.pem`,
    `\ttls certfile = ${tls}/lab-cert.pem`,
    `\ttls cafile = ${tls}/lab-ca.pem`,
  ];
}

async function ldbsearchOne(conf: string, samLdb: string, base: string, attr: string): Promise<string> {
  const out = await run('ldbsearch', [`--configfile=${conf}`, '-H', samLdb, '-b', base, '-s', 'base', attr]);
  const m = new RegExp(`^${attr}: (.+)$`, 'm').exec(out);
  if (!m) throw new Error(`${attr} of ${base} not found in: ${out}`);
  return m[1].trim();
}

/** argv: the partitions' folder, the map size in bytes. The record added and deleted only makes the commit write. */
const GROW_MAP_PY = `
import os, sys, ldb
folder, size = sys.argv[1], int(sys.argv[2])
for f in sorted(os.listdir(folder)):
    if f.endswith('.ldb'):
        db = ldb.Ldb('mdb://' + os.path.join(folder, f), options=['modules:', 'lmdb_env_size:%d' % size])
        db.transaction_start()
        db.add({'dn': '@GWB_MAP_SIZE', 'mapSize': str(size)})
        db.delete('@GWB_MAP_SIZE')
        db.transaction_commit()
        del db
`;

/** Build a golden DC into `dir` (must not exist). Returns its metadata; secrets are in `dir/lab-secrets.json`. */
export async function buildGolden(
  dir: string,
  key: string,
  cert: CertPaths,
  log: (msg: string) => void = () => {},
): Promise<GoldenMeta> {
  const t0 = Date.now();
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    const r = await fn();
    log(`golden: ${name} (${Date.now() - s} ms)`);
    return r;
  };
  const conf = join(dir, 'etc/smb.conf');
  const samLdb = join(dir, 'private/sam.ldb');
  const sambaVersion = (await run('samba', ['--version'])).trim();

  await step('provision', () =>
    run('samba-tool', [
      'domain', 'provision', '-s', '/dev/null', `--targetdir=${dir}`,
      `--realm=${REALM}`, `--domain=${NETBIOS_DOMAIN}`, '--server-role=dc', '--dns-backend=NONE',
      `--host-name=${HOST_NAME}`, '--backend-store=mdb', '--backend-store-size=1Gb',
      `--option=interfaces = ${PLACEHOLDER_INTERFACES}`, '--option=bind interfaces only = yes',
      // kdc: Kerberos (Negotiate/GSSAPI binds, keytab logins) on the DC's own address, port 88 (+ kpasswd 464).
      '--option=server services = ldap, kdc', '--option=ldb:nosync = true',
      `--option=log file = ${dir}/log/samba.log`, `--option=pid directory = ${dir}/run`,
      // Sysvol NT ACLs into a tdb instead of filesystem xattrs: works on any filesystem (sysvol is unused here).
      '--option=vfs objects = dfs_samba4 acl_xattr xattr_tdb', `--option=xattr_tdb:file = ${dir}/state/xattr.tdb`,
      '--option=acl_xattr:ignore system acls = yes',
    ]),
  );

  // Own TLS cert (SAN: every 127.0.0.N, so any clone address verifies), referenced from [global].
  const tlsDir = join(dir, 'private/tls');
  mkdirSync(tlsDir, { recursive: true });
  copyFileSync(cert.keyFile, join(tlsDir, 'lab-key.pem'));
  chmodSync(join(tlsDir, 'lab-key.pem'), 0o600);
  copyFileSync(cert.certFile, join(tlsDir, 'lab-cert.pem'));
  copyFileSync(cert.caFile, join(tlsDir, 'lab-ca.pem'));
  const smb = readFileSync(conf, 'utf8');
  if (!smb.includes('[global]\n')) throw new Error(`unexpected smb.conf from provision: ${conf}`);
  writeFileSync(conf, smb.replace('[global]\n', `[global]\n${smbConfExtras(dir).join('\n')}\n`));

  const ldif = (name: string, text: string): string => {
    const f = join(dir, `${name}.ldif`);
    writeFileSync(f, text, { mode: 0o600 });
    return f;
  };
  const schemaOpt = '--option=dsdb:schema update allowed=true';
  await step('schema: attribute', () =>
    run('ldbmodify', [`--configfile=${conf}`, schemaOpt, '-H', samLdb, ldif('schema-1', schemaAttributeLdif())]));
  await step('schema: Mail-Recipient mayContain', () =>
    run('ldbmodify', [`--configfile=${conf}`, schemaOpt, '-H', samLdb, ldif('schema-2', schemaClassLdif())]));

  await step('password settings', () =>
    run('samba-tool', ['domain', 'passwordsettings', 'set', '-s', conf, '-H', samLdb, '--max-pwd-age=0', '--min-pwd-age=0']));

  const secrets: GoldenSecrets = { adminPassword: newPassword(), servicePassword: newPassword() };
  const objFile = ldif('objects', objectsLdif(secrets));
  try {
    await step('OUs, service account, Administrator password', () =>
      run('ldbmodify', [`--configfile=${conf}`, '-H', samLdb, objFile]));
  } finally {
    rmSync(objFile, { force: true });
  }
  writeFileSync(join(dir, SECRETS_FILE), JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });

  const serviceSid = await ldbsearchOne(conf, samLdb, SERVICE_DN, 'objectSid');
  const domainSid = serviceSid.slice(0, serviceSid.lastIndexOf('-'));
  for (const { objectDn, sddl } of delegationAces(serviceSid)) {
    await step(`delegation on ${objectDn}`, () =>
      run('samba-tool', ['dsacl', 'set', '-s', conf, '-H', samLdb, `--objectdn=${objectDn}`, `--sddl=${sddl}`]));
  }
  // Without the dnsupdate service samba_spnupdate never runs, so the DC account lacks its ldap/ SPNs: add them for
  // the DC's names (the clone adds ldap/<its address> when it starts, see dc.ts).
  const spnFile = ldif('spns', dcSpnLdif());
  await step('DC ldap/ SPNs', () => run('ldbmodify', [`--configfile=${conf}`, '-H', samLdb, spnFile]));
  // Keytab of gwb-svc (its keys do not change per clone: the clones share the golden database).
  await step('gwb-svc keytab', () =>
    run('samba-tool', ['domain', 'exportkeytab', join(dir, SERVICE_KEYTAB), `--principal=${SERVICE_ACCOUNT}@${REALM}`, '-s', conf]));
  chmodSync(join(dir, SERVICE_KEYTAB), 0o600);
  // LMDB keeps its map size in each partition file and every clone inherits it: the provisioned database records
  // 1 GiB, which a lab at 50,000 groups / 1,000,000 links with its users seeded over LDAP (lab up, startLab without
  // a seeded snapshot) fills (MDB_MAP_FULL, bench/RESULTS.md). Record 32 GiB, as the offline-seeded bench snapshots
  // (bench/seed-users.py): one write transaction per partition opened with that size. Address space only: the
  // files grow with what they hold.
  await step('LMDB map size 32 GiB', () => run('/usr/bin/python3', ['-c', GROW_MAP_PY, join(dir, 'private/sam.ldb.d'), String(32 * 2 ** 30)]));
  for (const f of ['schema-1', 'schema-2', 'spns']) rmSync(join(dir, `${f}.ldif`), { force: true });
  rmSync(join(dir, 'log'), { recursive: true, force: true });
  mkdirSync(join(dir, 'log'));

  const meta: GoldenMeta = {
    key, builtAt: new Date().toISOString(), buildMs: Date.now() - t0, sambaVersion, domainSid, serviceSid,
  };
  writeFileSync(join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}
