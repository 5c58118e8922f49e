/**
 * The lab's one command (npm run lab -- <verb>):
 *   up [--tenant FILE] [--users N] [--cloud-users N] [--ip 127.0.0.N] [--no-strong-auth] [--json]
 *        start a detached daemon owning a Samba DC + the Graph emulator; wait until both are ready; print them
 *   down      stop what `up` started (by the pids in .lab/lab.json, checked against their command lines)
 *   status [--json]   what runs
 *   ca        make sure the lab CA exists and print its path (for NODE_EXTRA_CA_CERTS)
 * Progress goes to stderr; `--json` prints exactly one JSON object on stdout.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { serializeError } from '../../src/core/errors';
import { CLIENT_SECRET_ENV } from './lab-config';
import { ensureLabCa } from './lab-pki';
import { labPaths, type LabPaths } from './lab-paths';
import { cmdlineOf, pidAlive, readLabState, removeLabState, upOutput, type LabState, type LabStateReady } from './lab-state';
import { LabError } from './samba/errors';
import { readTenantFile } from './tenant-file';

const DAEMON = fileURLToPath(new URL('./daemon.ts', import.meta.url));

function err(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

/** The daemon recorded in lab.json, if it still runs (its command line must be our daemon's). */
function runningDaemon(state: LabState | null): number | null {
  if (!state) return null;
  return pidAlive(state.daemonPid) && cmdlineOf(state.daemonPid).includes(DAEMON) ? state.daemonPid : null;
}

function printHuman(s: LabStateReady): void {
  const lines = [
    `lab running (daemon pid ${s.daemonPid}, samba pid ${s.samba.pid}), ready in ${s.readyMs} ms`,
    `  AD DC     ${s.ldap.url}   base ${s.ldap.baseDn}`,
    `            target OU ${s.ldap.targetOu}`,
    `            service account ${s.ldap.bindDn}`,
    `  Kerberos  realm ${s.kerberos.realm}, KDC ${s.kerberos.kdc}, keytab ${s.kerberos.keytab} (${s.kerberos.principal})`,
    `            export KRB5_CONFIG=${s.kerberos.krb5Conf}; strong auth on ldap://${s.ip}:389 ${s.strongAuth ? 'required' : 'not required'}`,
    `  Graph     ${s.graph.baseUrl}   tenant ${s.graph.tenantId}   client ${s.graph.clientId}`,
    `  control   ${s.graph.controlUrl}`,
    `  seeded    ${s.seeded.syncedUsers} synced + ${s.seeded.cloudUsers} cloud-only users; tenant file: ${s.seeded.tenantUsers} users, ${s.seeded.tenantGroups} groups`,
    `  config    ${s.configPath}`,
    `  env       export NODE_EXTRA_CA_CERTS=${s.graph.caFile} ${CLIENT_SECRET_ENV}=<npm run lab -- status --json | jq -r .env.${CLIENT_SECRET_ENV}>`,
    `  try       LDAPTLS_CACERT=${s.ldap.caFile} ldapsearch -H ${s.ldap.url} -D '${s.ldap.bindDn}' -y ${s.ldap.passwordFile} -b '${s.ldap.targetOu}'`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function up(paths: LabPaths, o: { tenant?: string; users?: number; cloudUsers?: number; ip?: string; strongAuth?: boolean; json?: boolean }): Promise<number> {
  const existing = readLabState(paths.labJson);
  const pid = runningDaemon(existing);
  if (pid && existing?.status === 'ready') {
    err(`A lab is already running (daemon pid ${pid}); "npm run lab -- down" first to start another one.`);
    if (o.json) process.stdout.write(JSON.stringify(upOutput(existing)) + '\n');
    else printHuman(existing);
    return 0;
  }
  if (pid) {
    err(`A lab daemon (pid ${pid}) is still starting or failed; run "npm run lab -- down".`);
    return 1;
  }
  removeLabState(paths.labJson);
  mkdirSync(paths.instanceDir, { recursive: true });
  await ensureLabCa(paths.pkiDir);

  const base = process.env.INIT_CWD ?? process.cwd();
  if (o.tenant) readTenantFile(o.tenant, base); // fail fast on a missing or malformed file
  const daemonOpts = {
    users: o.users,
    cloudUsers: o.cloudUsers,
    ip: o.ip,
    strongAuth: o.strongAuth,
    tenant: o.tenant ? resolve(base, o.tenant) : undefined,
  };
  const t0 = Date.now();
  const logFd = openSync(paths.daemonLog, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', DAEMON, JSON.stringify(daemonOpts)], {
    cwd: paths.root,
    detached: true, // own session: survives this command, is not hit by the terminal's Ctrl+C
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const daemonPid = child.pid ?? -1;
  child.unref();
  err(`lab: starting daemon (pid ${daemonPid}); log ${paths.daemonLog}`);

  const deadline = Date.now() + 300_000;
  for (;;) {
    const s = readLabState(paths.labJson);
    if (s && s.daemonPid === daemonPid) {
      if (s.status === 'ready') {
        err(`lab: ready in ${Date.now() - t0} ms`);
        if (o.json) process.stdout.write(JSON.stringify(upOutput(s)) + '\n');
        else printHuman(s);
        return 0;
      }
      err(`lab: the daemon failed: ${s.error.message}${s.error.hint ? `\n  hint: ${s.error.hint}` : ''}`);
      if (o.json) process.stdout.write(JSON.stringify({ error: s.error }) + '\n');
      removeLabState(paths.labJson, daemonPid);
      return 1;
    }
    if (!pidAlive(daemonPid) || Date.now() > deadline) {
      const tail = readFileSync(paths.daemonLog, 'utf8').slice(-3000);
      err(`lab: the daemon ${pidAlive(daemonPid) ? 'did not get ready in time' : 'exited'}; its log:\n${tail}`);
      if (pidAlive(daemonPid)) process.kill(daemonPid, 'SIGTERM');
      return 1;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

async function down(paths: LabPaths): Promise<number> {
  const s = readLabState(paths.labJson);
  if (!s) {
    err('lab: nothing to stop (no .lab/lab.json).');
    return 0;
  }
  const pid = runningDaemon(s);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, 10_000))) {
      err(`lab: daemon ${pid} did not stop in 10 s; killing it.`);
      process.kill(pid, 'SIGKILL');
      await waitGone(pid, 2_000);
    }
  }
  // samba dies with the daemon (its stdin pipe closes); make sure, but only if the pid is still that samba.
  if (s.status === 'ready' && pidAlive(s.samba.pid) && cmdlineOf(s.samba.pid).includes(`${s.samba.dir}/etc/smb.conf`)) {
    process.kill(s.samba.pid, 'SIGTERM');
    // A loaded machine may take longer than 3 s to end samba's process tree: then kill it, as for the daemon (down
    // must return with what up started gone, not merely asked to go).
    if (!(await waitGone(s.samba.pid, 3_000))) {
      err(`lab: samba ${s.samba.pid} did not stop in 3 s; killing it.`);
      try {
        process.kill(s.samba.pid, 'SIGKILL');
      } catch {
        // it ended meanwhile
      }
      await waitGone(s.samba.pid, 10_000);
    }
  }
  removeLabState(paths.labJson);
  err(pid ? `lab: stopped (daemon pid ${pid}).` : 'lab: the daemon was not running; removed the stale .lab/lab.json.');
  return 0;
}

function status(paths: LabPaths, json: boolean): number {
  const s = readLabState(paths.labJson);
  const pid = runningDaemon(s);
  const running = !!pid && s?.status === 'ready';
  const sambaAlive = running && pidAlive((s as LabStateReady).samba.pid);
  if (json) {
    process.stdout.write(JSON.stringify(running ? { running: true, sambaAlive, ...upOutput(s as LabStateReady) } : { running: false, starting: !!pid, error: s?.status === 'failed' ? s.error : undefined }) + '\n');
  } else if (running) {
    printHuman(s as LabStateReady);
    if (!sambaAlive) err('  WARNING: samba is not running');
  } else {
    process.stdout.write(pid ? `lab starting (daemon pid ${pid})\n` : 'lab not running\n');
  }
  return running && sambaAlive ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const paths = labPaths();
  let code = 0;
  const program = new Command()
    .name('npm run lab --')
    .description('GroupWriteback lab: a Samba AD DC and the Graph emulator on loopback.')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('up')
    .description('start the lab in the background and print its endpoints')
    .option('--tenant <file>', 'tenant file to load (e.g. test/fixtures/tenants/demo.json)')
    .option('--users <n>', 'synced users to seed (AD + Graph)', positiveInt)
    .option('--cloud-users <n>', 'cloud-only users to seed (Graph)', positiveInt)
    .option('--ip <address>', 'loopback address for the DC and emulator (default: first free 127.0.0.N)')
    .option('--no-strong-auth', 'let the DC accept simple binds on plain ldap://389 (default: refused, as with LDAP signing required)')
    .option('--json', 'print one JSON object')
    .action(async (o) => { code = await up(paths, o); });
  program.command('down').description('stop what `up` started').action(async () => { code = await down(paths); });
  program
    .command('status')
    .description('what runs')
    .option('--json', 'print one JSON object')
    .action((o) => { code = status(paths, !!o.json); });
  program
    .command('ca')
    .description('ensure the lab CA exists; print its path')
    .action(async () => { process.stdout.write(`${await ensureLabCa(paths.pkiDir)}\n`); });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    const s = serializeError(e);
    err(`lab: ${s.message}${s.hint ? `\n  hint: ${s.hint}` : ''}`);
    if (!(e instanceof LabError)) err((e as Error).stack ?? '');
    process.exit(1);
  },
);
