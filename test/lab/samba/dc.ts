/**
 * Start a throw-away Samba AD DC: clone the golden copy, point it at its own 127.0.0.N, run
 * `samba -i -M single` with a stdin pipe (it exits when our process does), wait for an LDAPS bind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { labPaths, type LabPaths } from '../lab-paths';
import {
  ADMIN_DN, BASE_DN, DNS_DOMAIN, HOST_NAME, NETBIOS_DOMAIN, REALM, SERVICE_ACCOUNT, SERVICE_DN, SERVICE_OU, SYNCED_GROUPS_OU, TARGET_OU,
  TARGET_OU_2, USERS_OU,
} from './constants';
import { DC_ACCOUNT_DN, PLACEHOLDER_INTERFACES, SERVICE_KEYTAB } from './build-golden';
import { LabError } from './errors';
import { run } from './exec';
import { ensureGolden } from './golden';
import { pickIp, reserveIp, sweepStaleIpDirs } from './ip-pick';
import { connectLdap } from './ldap-client';
import { lock, type HeldLock } from './socket-lock';

export interface DcCredentials {
  bindDn: string;
  password: string;
}

export interface DcHandle {
  ip: string;
  /** `ldaps://<ip>:636` */
  url: string;
  baseDn: string;
  /** DNS domain, e.g. lab.example.com (= onPremisesDomainName). */
  domain: string;
  netbiosDomain: string;
  realm: string;
  domainSid: string;
  /** OU=Cloud Groups,… — where GroupWriteback creates groups. */
  targetOu: string;
  /** OU=Cloud Groups 2,… — a second delegated OU (container-change tests). */
  targetOu2: string;
  /** OU=Synced Users,… — where seeding creates synced users. */
  usersOu: string;
  /** OU=Synced Groups,… — AD groups a tenant file marks as synced. */
  syncedGroupsOu: string;
  serviceOu: string;
  /** The delegated service account gwb-svc (use this in tests). */
  service: DcCredentials & { samAccountName: string; userPrincipalName: string; sid: string };
  /** Administrator: for lab setup only. */
  admin: DcCredentials;
  caFile: string;
  /** Kerberos on this DC (its KDC listens on <ip>:88). */
  kerberos: DcKerberos;
  /** True when the DC refuses simple binds and unsigned SASL on plain 389 (`ldap server require strong auth = yes`). */
  strongAuth: boolean;
  dir: string;
  pid: number;
  /** Timings of this start (ms): golden (0 unless built now), clone, ready (spawn → LDAPS bind). */
  timings: { golden: number; clone: number; ready: number; total: number };
  /** A new bound LDAPS connection (caller unbinds). */
  connect(as?: 'service' | 'admin'): Promise<Client>;
  /** True while the samba process runs. */
  alive(): boolean;
  /** Fault injection: SIGSTOP (hang: TCP still accepted, nothing answered), SIGCONT, or SIGKILL (connection refused). */
  signal(sig: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): void;
  /** Start samba again on the same data (after a SIGKILL); resolves when it accepts an LDAPS bind. */
  restart(): Promise<void>;
  /** Stop samba and delete the clone. Idempotent. */
  stop(): Promise<void>;
  /**
   * Copy this DC's database to `dest` as a snapshot later clones can start from (`StartDcOptions.source`), e.g.
   * after seeding: cloning seeded users takes seconds where adding them takes ≈8 ms of Samba CPU each. Call it
   * while nothing writes.
   */
  snapshot(dest: string): Promise<void>;
}

export interface DcKerberos {
  /** LAB.EXAMPLE.COM */
  realm: string;
  /** `<ip>:88` */
  kdc: string;
  /** A krb5.conf for this DC's realm and KDC (use it with KRB5_CONFIG); its default ccache is <clone>/krb5cc. */
  krb5Conf: string;
  /** Keytab of the service account (0600). */
  keytab: string;
  /** `gwb-svc@LAB.EXAMPLE.COM` */
  principal: string;
  /** The DC's LDAP service principals: ldap/<ip> (what a client connecting by address asks for) and its names. */
  spns: string[];
  /**
   * Environment for a client that logs on from the keytab without kinit (MIT GSSAPI fetches the TGT itself):
   * KRB5_CONFIG, KRB5_CLIENT_KTNAME and a per-DC KRB5CCNAME.
   */
  env: Record<string, string>;
}

export interface StartDcOptions {
  /**
   * Also run the file server (smbd + winbindd, `server services += s3fs, winbindd`) on the DC's address, port 445,
   * with `cifs/` SPNs on the DC account and an include file for shares (see samba/file-share.ts). Off by default.
   */
  fileServer?: boolean;
  /**
   * Require strong authentication on plain LDAP (default true, Samba's default and what Windows Server 2025 DCs
   * enforce as "LDAP signing required"): simple binds and unsigned SASL on 389 are refused; LDAPS, StartTLS and
   * signed/sealed Kerberos binds work. `false` writes `ldap server require strong auth = no` (the old Windows default).
   */
  strongAuth?: boolean;
  /** A specific loopback address; default: the first free 127.0.0.N, N ≥ 2. */
  ip?: string;
  /** Clone directory; default <repo>/.lab/dc/<ip>. Deleted on stop. */
  dir?: string;
  paths?: LabPaths;
  log?: (msg: string) => void;
  readyTimeoutMs?: number;
  /**
   * Clone this snapshot (made by `DcHandle.snapshot`, e.g. the golden DC plus seeded users) instead of the golden
   * DC itself. It must come from the current golden DC.
   */
  source?: string;
}

function rewriteSmbConf(conf: string, goldenDir: string, dir: string, ip: string, strongAuth: boolean): void {
  const text = readFileSync(conf, 'utf8').split(goldenDir).join(dir);
  const iface = `interfaces = ${PLACEHOLDER_INTERFACES}`;
  if (!text.includes(iface)) throw new LabError(`smb.conf of the golden DC lacks "${iface}".`, { target: conf });
  // `interfaces = 127.0.0.N/8` (with the mask) makes Samba bind exactly that address; a bare IP is ignored.
  const strong = `\tldap server require strong auth = ${strongAuth ? 'yes' : 'no'}`;
  writeFileSync(conf, text.replace(iface, `interfaces = ${ip}/8\n${strong}`));
}

/**
 * The file server on this DC: smbd (s3fs) and winbindd (SID ↔ id mapping for smbd), SMB over port 445 only, and
 * `etc/shares.conf` included for shares. winbindd's socket is machine-wide (/run/samba/winbindd): one lab DC with
 * a file server at a time (startDc holds a lock for it).
 */
function enableFileServer(conf: string, dir: string): void {
  const text = readFileSync(conf, 'utf8');
  const services = /^\s*server services = (.*)$/m;
  if (!services.test(text)) throw new LabError('smb.conf of the golden DC lacks "server services".', { target: conf });
  for (const d of ['ncalrpc', 'shares']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'etc/shares.conf'), '');
  const extra = [
    // winbindd keeps its compiled-in socket directory: libwbclient (smbd's SID → uid mapping) only looks there.
    `\tncalrpc dir = ${dir}/ncalrpc`, '\tsmb ports = 445',
    '\tdisable netbios = yes', '\tserver min protocol = SMB2_10',
  ].join('\n');
  writeFileSync(conf, `${text.replace(services, (_m, list: string) => `\tserver services = ${list.trim()}, s3fs, winbindd\n${extra}`)}\ninclude = ${dir}/etc/shares.conf\n`);
}

async function addDcSpns(how: { url: string; caFile: string; bindDn: string; password: string }, spns: string[]): Promise<void> {
  const adm = await connectLdap(how);
  try {
    await adm.modify(DC_ACCOUNT_DN, new Change({ operation: 'add', modification: new Attribute({ type: 'servicePrincipalName', values: spns }) }));
  } finally {
    await adm.unbind().catch(() => {});
  }
}

/** krb5.conf for one lab DC: its realm, its KDC over TCP, no DNS or reverse lookups (clients connect by address). */
export function krb5ConfText(ip: string, ccache: string): string {
  return `[libdefaults]
\tdefault_realm = ${REALM}
\tdns_lookup_realm = false
\tdns_lookup_kdc = false
\trdns = false
\tdns_canonicalize_hostname = false
\tudp_preference_limit = 1
\tdefault_ccache_name = FILE:${ccache}
[realms]
\t${REALM} = {
\t\tkdc = ${ip}
\t\tadmin_server = ${ip}
\t}
[domain_realm]
\t.${DNS_DOMAIN} = ${REALM}
\t${DNS_DOMAIN} = ${REALM}
`;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '';
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

export async function startDc(opts: StartDcOptions = {}): Promise<DcHandle> {
  const paths = opts.paths ?? labPaths();
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const golden = await ensureGolden({ paths, log });
  await sweepStaleIpDirs(paths.dcDir);
  const tGolden = Date.now();

  // winbindd's socket is machine-wide: one file-server DC at a time (waits for the previous one to stop).
  const fsLock = opts.fileServer ? await lock('file-server', { onWait: () => log('dc: waiting for the file-server lock (another lab DC runs smbd)') }) : undefined;
  let ipLock: HeldLock;
  let ip: string;
  if (opts.ip) {
    ip = opts.ip;
    ipLock = await reserveIp(ip);
  } else {
    ({ ip, lock: ipLock } = await pickIp());
  }
  const dir = resolve(opts.dir ?? join(paths.dcDir, ip));
  let child: ChildProcess | undefined;
  try {
    // We hold the address lock, so a leftover dir for this address belongs to a dead process.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    await run('cp', ['-a', opts.source ?? golden.dir, dir]);
    const conf = join(dir, 'etc/smb.conf');
    const strongAuth = opts.strongAuth ?? true;
    rewriteSmbConf(conf, golden.dir, dir, ip, strongAuth);
    if (opts.fileServer) enableFileServer(conf, dir);
    const ccache = join(dir, 'krb5cc');
    const krb5Conf = join(dir, 'krb5.conf');
    writeFileSync(krb5Conf, krb5ConfText(ip, ccache));
    const tClone = Date.now();

    const outFile = join(dir, 'log/samba.out');
    const launch = (): ChildProcess => {
      const out = openSync(outFile, 'a');
      const c = spawn('samba', ['-i', '-M', 'single', '-s', conf], { stdio: ['pipe', out, out] });
      closeSync(out);
      c.on('error', () => {}); // reported through the readiness loop
      c.stdin?.on('error', () => {});
      return c;
    };
    child = launch();
    let spawned = child;

    const caFile = paths.caFile;
    const admin = { bindDn: ADMIN_DN, password: golden.secrets.adminPassword };
    const service = {
      bindDn: SERVICE_DN,
      password: golden.secrets.servicePassword,
      samAccountName: SERVICE_ACCOUNT,
      userPrincipalName: `${SERVICE_ACCOUNT}@${DNS_DOMAIN}`,
      sid: golden.meta.serviceSid,
    };
    const url = `ldaps://${ip}:636`;
    const alive = (): boolean => spawned.exitCode === null && spawned.signalCode === null;

    const waitReady = async (): Promise<void> => {
      // A hang detector, not a speed check: a large seeded snapshot takes longer to open, and any start takes far
      // longer on a loaded machine (20 s failed there for a plain clone while nothing was wrong).
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
      for (;;) {
        if (!alive()) {
          throw new LabError(`samba exited during start (code ${spawned.exitCode ?? spawned.signalCode}).`, {
            target: dir, hint: `Its log: ${outFile}\n${logTail(outFile)}`,
          });
        }
        try {
          const c = await connectLdap({ url, caFile, ...admin, connectTimeoutMs: 1_000, timeoutMs: 2_000 });
          await c.unbind();
          break;
        } catch (err) {
          if (Date.now() > deadline) {
            throw new LabError(`The DC at ${url} did not accept an LDAPS bind in time: ${(err as Error).message}`, {
              target: url, category: 'OperationTimeout', hint: `Its log: ${outFile}\n${logTail(outFile)}`, cause: err,
            });
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      if (!alive()) throw new LabError(`samba exited right after start; another server answered on ${url}.`, { target: url });
    };
    await waitReady();
    // The SPN for the address: a client connecting to ldap://<ip> without reverse DNS asks for ldap/<ip>.
    const ipSpn = `ldap/${ip}`;
    const adm = await connectLdap({ url, caFile, ...admin });
    try {
      await adm.modify(DC_ACCOUNT_DN, new Change({ operation: 'add', modification: new Attribute({ type: 'servicePrincipalName', values: [ipSpn] }) }));
    } catch (err) {
      // A clone of a seeded snapshot taken on this same address has the SPN already (20: attributeOrValueExists).
      if ((err as { code?: number }).code !== 20) throw err;
    } finally {
      await adm.unbind().catch(() => {});
    }
    const fqdn = `${HOST_NAME}.${DNS_DOMAIN}`;
    if (opts.fileServer) await addDcSpns({ url, caFile, ...admin }, [`cifs/${ip}`, `cifs/${fqdn}`, `cifs/${HOST_NAME}`]);
    const principal = `${SERVICE_ACCOUNT}@${REALM}`;
    const keytab = join(dir, SERVICE_KEYTAB);
    const kerberos: DcKerberos = {
      realm: REALM, kdc: `${ip}:88`, krb5Conf, keytab, principal,
      spns: [ipSpn, `ldap/${fqdn}`, `ldap/${HOST_NAME}`],
      env: { KRB5_CONFIG: krb5Conf, KRB5_CLIENT_KTNAME: keytab, KRB5CCNAME: `FILE:${ccache}` },
    };
    const tReady = Date.now();
    log(`dc: ${url} ready in ${tReady - t0} ms (clone ${tClone - tGolden} ms, start ${tReady - tClone} ms)`);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        if (alive()) {
          spawned.kill('SIGCONT'); // a stopped samba cannot read its stdin
          spawned.stdin?.end(); // samba -i: stdin closed → SIGTERM to itself, exit 0
          if (!(await waitExit(spawned, 3_000))) {
            spawned.kill('SIGKILL');
            await waitExit(spawned, 2_000);
          }
        }
        rmSync(dir, { recursive: true, force: true });
        await ipLock.release();
        await fsLock?.release();
      })());

    return {
      ip, url, baseDn: BASE_DN, domain: DNS_DOMAIN, netbiosDomain: NETBIOS_DOMAIN, realm: REALM,
      domainSid: golden.meta.domainSid, targetOu: TARGET_OU, targetOu2: TARGET_OU_2, usersOu: USERS_OU,
      syncedGroupsOu: SYNCED_GROUPS_OU, serviceOu: SERVICE_OU, service, admin, caFile, kerberos, strongAuth, dir, get pid() {
        return spawned.pid ?? -1;
      },
      timings: { golden: tGolden - t0, clone: tClone - tGolden, ready: tReady - tClone, total: tReady - t0 },
      connect: (as = 'service') => connectLdap({ url, caFile, ...(as === 'admin' ? admin : service) }),
      alive,
      signal: (sig) => {
        if (alive()) spawned.kill(sig);
      },
      restart: async () => {
        if (alive()) {
          spawned.kill('SIGKILL');
          await waitExit(spawned, 5_000);
        }
        spawned = launch();
        await waitReady();
      },
      stop,
      async snapshot(dest: string) {
        const tmp = `${dest}.tmp-${process.pid}`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(join(dest, '..'), { recursive: true });
        await run('cp', ['-a', dir, tmp]);
        rmSync(join(tmp, 'log'), { recursive: true, force: true });
        mkdirSync(join(tmp, 'log'));
        // Back to the golden form, which startDc rewrites for each clone.
        const snapConf = join(tmp, 'etc/smb.conf');
        const text = readFileSync(snapConf, 'utf8').split(dir).join(golden.dir).replace(/interfaces = \S+\/8\n\tldap server require strong auth = \w+/, `interfaces = ${PLACEHOLDER_INTERFACES}`);
        writeFileSync(snapConf, text);
        rmSync(dest, { recursive: true, force: true });
        renameSync(tmp, dest);
      },
    };
  } catch (err) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await waitExit(child, 2_000);
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    await ipLock.release();
    await fsLock?.release();
    throw err;
  }
}
