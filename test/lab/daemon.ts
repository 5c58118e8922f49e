/**
 * The `lab up` daemon (started detached by lab.ts): owns one Samba DC and the Graph emulator, seeds them,
 * writes <repo>/.lab/config.json and <repo>/.lab/lab.json, then runs until SIGTERM/SIGINT (`lab down`), when it
 * stops both and removes what it wrote. If samba dies, the daemon stops too.
 *   node --import tsx test/lab/daemon.ts '{"users":100,"tenant":"/abs/tenant.json"}'
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serializeError } from '../../src/core/errors';
import { startLab, type Lab } from './fixture';
import { labPaths } from './lab-paths';
import { removeLabState, writeLabState } from './lab-state';

interface DaemonOptions {
  users?: number;
  cloudUsers?: number;
  tenant?: string;
  ip?: string;
  strongAuth?: boolean;
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as DaemonOptions;
  const paths = labPaths();
  const t0 = Date.now();
  let lab: Lab | undefined;
  let stopping = false;

  const shutdown = async (why: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why})`);
    try {
      await lab?.stop();
    } catch (err) {
      log(`stop failed: ${(err as Error).message}`);
    }
    if (lab) {
      rmSync(paths.configJson, { force: true });
      rmSync(join(paths.secretsDir, 'ldap-password'), { force: true });
      rmSync(paths.stateDir, { recursive: true, force: true });
    }
    removeLabState(paths.labJson, process.pid);
    log('stopped');
    process.exit(code);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig));

  try {
    log(`starting lab: ${JSON.stringify(opts)}`);
    lab = await startLab({
      users: opts.users,
      cloudUsers: opts.cloudUsers,
      tenant: opts.tenant,
      ip: opts.ip,
      strongAuth: opts.strongAuth,
      graph: true,
      configDir: paths.instanceDir,
      paths,
      log,
    });
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    writeLabState(paths.labJson, { version: 1, status: 'failed', daemonPid: process.pid, error: serializeError(err) });
    process.exit(1);
  }
  const { dc, graph, config, seeded } = lab;
  if (!graph || !config) throw new Error('unreachable: the daemon always starts the emulator');
  writeLabState(paths.labJson, {
    version: 1,
    status: 'ready',
    daemonPid: process.pid,
    startedAt: new Date(t0).toISOString(),
    readyMs: Date.now() - t0,
    ip: dc.ip,
    configPath: config.path,
    graph: {
      baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, tenantId: graph.tenantId, clientId: graph.clientId,
      clientSecret: graph.clientSecret, caFile: graph.caFile, controlUrl: graph.controlUrl,
    },
    ldap: {
      url: dc.url, baseDn: dc.baseDn, targetOu: dc.targetOu, targetOu2: dc.targetOu2, usersOu: dc.usersOu,
      bindDn: dc.service.bindDn, password: dc.service.password, passwordFile: config.passwordFile, caFile: dc.caFile,
    },
    kerberos: {
      realm: dc.kerberos.realm, kdc: dc.kerberos.kdc, krb5Conf: dc.kerberos.krb5Conf, keytab: dc.kerberos.keytab,
      principal: dc.kerberos.principal, spns: dc.kerberos.spns, env: dc.kerberos.env,
    },
    strongAuth: dc.strongAuth,
    admin: { ...dc.admin },
    samba: { pid: dc.pid, dir: dc.dir },
    seeded: {
      syncedUsers: seeded.users?.synced.length ?? 0,
      cloudUsers: seeded.users?.cloudOnly.length ?? 0,
      tenantUsers: seeded.tenant?.loaded.users.length ?? 0,
      tenantGroups: seeded.tenant?.loaded.groups.length ?? 0,
    },
    timings: { ...lab.timings, dcReady: dc.timings.ready, dcClone: dc.timings.clone, golden: dc.timings.golden },
  });
  log(`ready in ${Date.now() - t0} ms: DC ${dc.url} (samba pid ${dc.pid}), Graph ${graph.baseUrl}`);
  const watch = setInterval(() => {
    if (!dc.alive()) void shutdown('samba exited', 1);
  }, 1_000);
  watch.unref();
  // Keep the process alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

main().catch((err) => {
  log(`fatal: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
