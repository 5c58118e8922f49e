/**
 * In-process lab for vitest integration suites: a fresh Samba DC (own 127.0.0.N) and, unless `graph: false`,
 * the Graph emulator on the same address, seeded with synced users and/or a tenant file, plus a ready
 * GroupWriteback config. `stop()` tears everything down (DC clone, emulator, config dir).
 *
 *   const lab = await startLab({ users: 50, tenant: 'test/fixtures/tenants/demo.json' });
 *   afterAll(() => lab.stop());
 *
 * Clients of the emulator must trust the lab CA: vitest runs with NODE_EXTRA_CA_CERTS=<repo>/.lab/pki/ca.pem
 * (build/vitest.mjs and the vitest globalSetup take care of it).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startGraphEmulator, type GraphEmulator } from './graph/emulator';
import type { TenantStore } from './graph/store';
import { CLIENT_SECRET_ENV, writeLabConfig, type WrittenLabConfig } from './lab-config';
import { ensureLabCa } from './lab-pki';
import { labPaths, type LabPaths } from './lab-paths';
import { startDc, type DcHandle } from './samba/dc';
import { ensureGolden } from './samba/golden';
import { sweepStaleIpDirs } from './samba/ip-pick';
import { connectWritebackSpec, seedConnectWriteback, type ConnectSeedResult } from './connect-v2';
import { keepUserRecords, seedUsers, type SeedResult } from './seed';
import { USER_RECORDS_FILE } from './user-records';
import { applyTenant, checkTenant, readTenantFile, type ApplyTenantResult, type TenantFile } from './tenant-file';

export interface StartLabOptions {
  /** Synced users to seed (AD + emulator). Default 0. */
  users?: number;
  /** Cloud-only users to seed (emulator only). Default 0. */
  cloudUsers?: number;
  /** A tenant file path (relative to the repo root or absolute) or a tenant object. */
  tenant?: string | TenantFile;
  /**
   * Tenants with a `$connectWriteback` section (connect-v2.ts): how many generated members the big group gets
   * (default: the file's count).
   */
  connectGeneratedMembers?: number;
  /** Start the Graph emulator (default true). Without it there is no store and no config. */
  graph?: boolean;
  /** Graph emulator paging of delta rounds (tests that need a round to span pages). */
  emulator?: { deltaPageSize?: number; deltaMemberChunk?: number };
  /** A specific loopback address for the DC (and emulator); default: a free 127.0.0.N. */
  ip?: string;
  /** The DC refuses simple binds on plain 389 (default true; see StartDcOptions.strongAuth). */
  strongAuth?: boolean;
  /** Run the DC's file server too (smbd on <ip>:445, Kerberos-only shares: samba/file-share.ts). */
  fileServer?: boolean;
  /**
   * Where to write config.json, secrets/ldap-password and state/. Default: <repo>/.lab/run/<ip> (deleted by
   * stop()). The `lab up` daemon passes <repo>/.lab.
   */
  configDir?: string;
  paths?: LabPaths;
  log?: (msg: string) => void;
  /**
   * Keep a snapshot of the DC right after seeding the synced users (<lab>/seeded/<golden>-<users>) and start from
   * it next time instead of adding them again (benchmarks: Samba adds users at ≈8 ms CPU each; a clone of the
   * snapshot takes seconds whatever its size). The snapshot keeps its users' AD records too (user-records.ts), so a
   * clone does not read them all back over LDAP (a sample is checked).
   */
  seedSnapshot?: boolean;
}

export interface LabConfig extends WrittenLabConfig {
  /** Environment a GroupWriteback process needs for this config (CA + client secret). */
  env: Record<string, string>;
}

export interface Lab {
  dc: DcHandle;
  graph: GraphEmulator | null;
  /** The emulator's tenant store (null without graph). */
  store: TenantStore | null;
  config: LabConfig | null;
  seeded: { users: SeedResult | null; tenant: ApplyTenantResult | null; connect: ConnectSeedResult | null };
  timings: { dc: number; graph: number; seed: number; total: number };
  stop(): Promise<void>;
}

export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const paths = opts.paths ?? labPaths();
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const caFile = await ensureLabCa(paths.pkiDir);
  const tenant: TenantFile | null =
    opts.tenant === undefined ? null : typeof opts.tenant === 'string' ? readTenantFile(opts.tenant, paths.root) : checkTenant(opts.tenant);

  if (!opts.configDir) await sweepStaleIpDirs(join(paths.labDir, 'run'));
  const snapshot = opts.seedSnapshot && opts.users && !opts.strongAuth ? join(paths.labDir, 'seeded', `${(await ensureGolden({ paths, log })).key}-u${opts.users}`) : undefined;
  const fromSnapshot = !!snapshot && existsSync(join(snapshot, 'etc/smb.conf'));
  const dc = await startDc({ ip: opts.ip, strongAuth: opts.strongAuth, fileServer: opts.fileServer, paths, log, ...(fromSnapshot ? { source: snapshot } : {}) });
  if (fromSnapshot) log(`dc: cloned from the seeded snapshot ${snapshot}`);
  const tDc = Date.now();
  let graph: GraphEmulator | null = null;
  let ownConfigDir: string | null = null;
  const stop = async (): Promise<void> => {
    await graph?.stop().catch(() => {});
    await dc.stop();
    if (ownConfigDir) rmSync(ownConfigDir, { recursive: true, force: true });
  };
  try {
    if (opts.graph !== false) {
      graph = await startGraphEmulator({ host: dc.ip, port: 0, pkiDir: paths.pkiDir, ...opts.emulator });
      log(`graph: ${graph.baseUrl} ready`);
    }
    const tGraph = Date.now();

    // A clone of a seeded snapshot takes its users' AD records from the snapshot's file (checked by a sample).
    const recordsOpts = fromSnapshot ? { adRecordsFile: join(snapshot!, USER_RECORDS_FILE), log } : {};
    let users: SeedResult | null = null;
    let applied: ApplyTenantResult | null = null;
    let connect: ConnectSeedResult | null = null;
    if (opts.users || opts.cloudUsers || tenant) {
      if (!graph) {
        // AD only: synced users without an emulator are still useful for directory tests.
        if (opts.users) users = await seedUsers(dc, null, { synced: opts.users, adExisting: fromSnapshot, ...recordsOpts });
      } else {
        if (tenant) applied = await applyTenant(dc, graph.store, tenant);
        const connectSpec = applied ? connectWritebackSpec(opts.tenant as string | Record<string, unknown>, paths.root) : null;
        if (applied && connectSpec) {
          connect = await seedConnectWriteback(dc, graph.store, applied, connectSpec, opts.connectGeneratedMembers !== undefined ? { generatedMembers: opts.connectGeneratedMembers } : {});
        }
        if (opts.users || opts.cloudUsers) {
          users = await seedUsers(dc, graph.store, { synced: opts.users, cloudOnly: opts.cloudUsers, cloudDomain: graph.store.domain, adExisting: fromSnapshot, ...recordsOpts });
        }
      }
      log(`seed: ${users?.ad.length ?? 0} synced + ${users?.cloudOnly.length ?? 0} cloud-only users, tenant ${applied ? `${applied.loaded.users.length} users / ${applied.loaded.groups.length} groups` : 'none'} (${Date.now() - tGraph} ms)`);
    }
    if (snapshot && !fromSnapshot && opts.users && !tenant) {
      await dc.snapshot(snapshot);
      if (users) keepUserRecords(join(snapshot, USER_RECORDS_FILE), users.ad, log);
      log(`dc: seeded snapshot kept in ${snapshot}`);
    }
    const tSeed = Date.now();

    let config: LabConfig | null = null;
    if (graph) {
      const dir = opts.configDir ?? join(paths.labDir, 'run', dc.ip);
      if (!opts.configDir) ownConfigDir = dir;
      mkdirSync(dir, { recursive: true });
      const written = writeLabConfig(
        { baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, tenantId: graph.tenantId, clientId: graph.clientId, caFile },
        { url: dc.url, baseDn: dc.baseDn, targetOu: dc.targetOu, bindDn: dc.service.bindDn, password: dc.service.password, caFile },
        { configJson: join(dir, 'config.json'), secretsDir: join(dir, 'secrets'), stateDir: join(dir, 'state') },
      );
      config = { ...written, env: { NODE_EXTRA_CA_CERTS: caFile, [CLIENT_SECRET_ENV]: graph.clientSecret } };
    }
    return {
      dc, graph, store: graph?.store ?? null, config, seeded: { users, tenant: applied, connect },
      timings: { dc: tDc - t0, graph: tGraph - tDc, seed: tSeed - tGraph, total: Date.now() - t0 },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
