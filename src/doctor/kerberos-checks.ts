/**
 * Test-GroupWritebackConfiguration's Kerberos rows (directory.auth kerberos), before the bind check:
 *  - directory.kerberos.keytab: the keytab is readable, a keytab, and holds the principal (first);
 *  - directory.kerberos.ticket: a TGT can be had (from the keytab, or the caller's ticket cache), i.e. the KDC is found
 *    through krb5.conf and accepts the keys;
 *  - directory.kerberos.clock: this host's clock is within the KDC's tolerance (5 minutes by default);
 *  - directory.kerberos.spn: the KDC issues a ticket for ldap/<DC host as written in the URL> (the SPN exists).
 * On Linux these use MIT's kinit/kvno (package krb5-user) with a private, temporary ticket cache; the keys never leave
 * the keytab, and nothing is written elsewhere. On Windows the process identity is used: the bind check covers it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types';
import type { GwbError } from '../core/errors';
import { prepareKerberosEnvironment, readKeytabPrincipals } from '../directory/sdsp';
import { row, type CheckRow } from './types';

const AREA = 'Directory';

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | string; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as NodeJS.ErrnoException).code ?? 1) : 0, out: `${stdout}${stderr}`.trim() }));
  });
}

const SKEW = /clock skew|skew too great/i;
const FIX_CLOCK = 'Synchronise this host\'s clock with the domain (chrony/systemd-timesyncd pointed at the DCs; Windows: w32tm /resync); Kerberos allows 5 minutes.';

export async function kerberosChecks(config: ResolvedConfig, host: string, timeoutMs: number): Promise<CheckRow[]> {
  const auth = config.directory.auth;
  if (auth.type !== 'kerberos' || process.platform === 'win32') return [];
  const rows: CheckRow[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Keytab (and principal), exactly as the driver will read it.
  if (auth.keytab) {
    try {
      const entries = readKeytabPrincipals(auth.keytab);
      prepareKerberosEnvironment(auth, config.directory.caFile, env);
      const names = [...new Set(entries.map((e) => `${e.principal} (kvno ${e.kvno})`))];
      rows.push(row(AREA, 'directory.kerberos.keytab', 'Kerberos keytab', 'Passed', auth.keytab, `Holds ${names.join(', ')}.`));
    } catch (err) {
      const e = err as GwbError;
      rows.push(row(AREA, 'directory.kerberos.keytab', 'Kerberos keytab', 'Failed', auth.keytab, e.message, e.hint ?? null));
      return rows;
    }
  } else if (auth.krb5Config) {
    env.KRB5_CONFIG = auth.krb5Config;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gwb-krb-check-'));
  try {
    env.KRB5CCNAME = auth.keytab ? `FILE:${join(dir, 'cc')}` : (process.env.KRB5CCNAME ?? env.KRB5CCNAME);
    const principal = auth.principal ?? (auth.keytab ? readKeytabPrincipals(auth.keytab)[0].principal : undefined);
    const tgt = auth.keytab
      ? await exec('kinit', ['-k', '-t', auth.keytab, principal!], env, timeoutMs)
      : await exec('klist', ['-s'], env, timeoutMs);
    if (tgt.code === 'ENOENT') {
      rows.push(row(AREA, 'directory.kerberos.ticket', 'Kerberos ticket', 'Warning', principal ?? null,
        'Not checked one by one: MIT Kerberos tools (kinit, klist, kvno) are not installed; the bind check below still runs.',
        'Install them (Debian/Ubuntu: apt-get install krb5-user) to get the ticket, clock and SPN checks.'));
      return rows;
    }
    if (tgt.code !== 0) {
      if (SKEW.test(tgt.out)) {
        rows.push(row(AREA, 'directory.kerberos.clock', 'Clock skew', 'Failed', host, `The KDC refused the logon: ${tgt.out}`, FIX_CLOCK));
        return rows;
      }
      rows.push(row(AREA, 'directory.kerberos.ticket', 'Kerberos ticket', 'Failed', principal ?? null,
        auth.keytab ? `No ticket from the keytab: ${tgt.out}` : 'No Kerberos ticket in the caller\'s ticket cache (klist -s failed).',
        auth.keytab
          ? /not found in Kerberos database|Client.*not found/i.test(tgt.out)
            ? 'The principal does not exist in the realm: check directory.auth.principal (user@REALM, the realm in upper case).'
            : /Preauthentication failed|Password incorrect|Key table entry not found|decrypt integrity/i.test(tgt.out)
              ? 'The keytab\'s keys are outdated (the account\'s password was changed since it was exported): export the keytab again.'
              : /Cannot (contact|find) (any )?KDC|Cannot resolve|realm/i.test(tgt.out)
                ? 'No KDC for the realm: check krb5.conf ([libdefaults] default_realm, [realms] kdc = the DCs; or DNS SRV records with dns_lookup_kdc) or set directory.auth.krb5Config.'
                : 'See the message; kinit -k -t <keytab> <principal> reproduces it.'
          : 'Get a ticket first (kinit the service account, or run as an identity with one), or set directory.auth.keytab.'));
      return rows;
    }
    rows.push(row(AREA, 'directory.kerberos.ticket', 'Kerberos ticket', 'Passed', principal ?? null, auth.keytab ? `The KDC issued a ticket for ${principal} from the keytab.` : 'The caller\'s ticket cache holds a ticket.'));
    rows.push(row(AREA, 'directory.kerberos.clock', 'Clock skew', 'Passed', host, 'This host\'s clock is within the KDC\'s tolerance (the KDC accepted the logon).'));
    const spn = `ldap/${host}`;
    const svc = await exec('kvno', [spn], env, timeoutMs);
    if (svc.code !== 0) {
      rows.push(row(AREA, 'directory.kerberos.spn', 'Directory SPN', 'Failed', spn, `The KDC issues no ticket for ${spn}: ${svc.out}`,
        SKEW.test(svc.out) ? FIX_CLOCK
          : `Register the SPN on the DC's computer account (setspn -S ${spn} <DC name>; Samba: samba-tool spn add ${spn} '<DC>$'), or use the DC's registered name in directory.urls.`));
    } else {
      rows.push(row(AREA, 'directory.kerberos.spn', 'Directory SPN', 'Passed', spn, `The KDC issues service tickets for ${spn}.`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
