/**
 * A real Kerberos application on a lab DC started with `fileServer: true`: SMB shares whose `valid users` is a
 * group SID, so smbd decides access from the group SIDs in the user's Kerberos ticket (the PAC), exactly what
 * an AD-integrated app does; users with known passwords; kinit into private credential caches; and smbclient
 * with Kerberos only (`--use-kerberos=required`, no password fallback).
 *
 * smbd builds the session's token from the PAC of the service ticket, and the KDC copies the groups into the
 * PAC when it issues the TGT: a ticket obtained before a membership change keeps the old groups until the user
 * gets a new one (sign out and in, or `kdestroy`/`klist purge` and a new logon).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import type { DcHandle } from './dc';
import { HOST_NAME, DNS_DOMAIN, NETBIOS_DOMAIN, REALM } from './constants';
import { LabError } from './errors';

export interface ShareSpec {
  name: string;
  /** Only members (direct or nested) of this group SID get in. */
  allowSid: string;
}

/** Write (replace) the DC's shares; smbd reads the include file again on each new connection. */
export function writeShares(dc: DcHandle, shares: ShareSpec[]): void {
  const blocks = shares.map((s) => {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(s.name)) throw new LabError(`Bad share name ${JSON.stringify(s.name)}.`, { target: s.name });
    if (!/^S-1-5-21-\d+-\d+-\d+-\d+$/.test(s.allowSid)) throw new LabError(`Not a domain SID: ${s.allowSid}`, { target: s.allowSid });
    const path = join(dc.dir, 'shares', s.name);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o755);
    writeFileSync(join(path, 'app.txt'), `${s.name}: you are in\n`);
    return `[${s.name}]\n\tpath = ${path}\n\tread only = yes\n\tvalid users = ${s.allowSid}\n`;
  });
  writeFileSync(join(dc.dir, 'etc/shares.conf'), blocks.join('\n'));
}

/** Give a user a known password and enable the account (LDAPS, as Administrator). */
export async function setUserPassword(dc: DcHandle, userDn: string, password: string): Promise<void> {
  const c = await dc.connect('admin');
  try {
    await c.modify(userDn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: ['66048'] }) }), // normal, password never expires
    ]);
  } finally {
    await c.unbind().catch(() => {});
  }
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
    p.stdin.end(input ?? '');
  });
}

/** `kinit user@REALM` into `ccache` (FILE:), the password on stdin. Returns the ccache. */
export async function kinit(dc: DcHandle, samAccountName: string, password: string, ccache: string): Promise<string> {
  const env = { ...process.env, KRB5_CONFIG: dc.kerberos.krb5Conf, KRB5CCNAME: `FILE:${ccache}` };
  const r = await exec('kinit', [`${samAccountName}@${REALM}`], env, `${password}\n`);
  if (r.code !== 0) throw new LabError(`kinit ${samAccountName} failed: ${r.out.trim()}`, { target: samAccountName });
  return ccache;
}

export interface ShareAccess {
  allowed: boolean;
  /** NT status smbclient reported (e.g. NT_STATUS_ACCESS_DENIED), or 'OK'. */
  status: string;
  output: string;
}

/** Read the share's file with smbclient, Kerberos only, from the tickets in `ccache`. */
export async function smbAccess(dc: DcHandle, share: string, ccache: string): Promise<ShareAccess> {
  const conf = join(dc.dir, 'etc/smbclient.conf');
  writeFileSync(conf, `[global]\n\tworkgroup = ${NETBIOS_DOMAIN}\n\trealm = ${REALM}\n\tclient min protocol = SMB2_10\n`);
  const env = { ...process.env, KRB5_CONFIG: dc.kerberos.krb5Conf, KRB5CCNAME: `FILE:${ccache}` };
  const r = await exec('smbclient', ['-s', conf, `//${HOST_NAME}.${DNS_DOMAIN}/${share}`, '-I', dc.ip, '-N', '--use-kerberos=required', '-c', 'get app.txt -'], env);
  const allowed = r.code === 0 && r.out.includes(`${share}: you are in`);
  const status = /NT_STATUS_[A-Z_]+/.exec(r.out)?.[0] ?? (allowed ? 'OK' : `exit ${r.code}`);
  return { allowed, status, output: r.out.trim() };
}
