/**
 * Helpers for the engine integration suites: run cycles in-process against a lab (real LdapTarget + GraphSource,
 * fresh ports per run as a real process would have), and read AD back over LDAP independently of the engine.
 */
import type { Client, Entry } from 'ldapts';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load';
import type { ResolvedConfig } from '../../src/config/types';
import { EventSink, type CoreEvent } from '../../src/core/events';
import { openPorts } from '../../src/engine/connect';
import { runCycle, type CycleResult } from '../../src/engine/cycle';
import { createMapper } from '../../src/engine/mapper';
import type { DirectoryOpCounts } from '../../src/model/directory';
import { dotNetTrim, safeSlice } from '../../src/mapping/text';
import { queryLog, type LogEntry, type LogQuery } from '../../src/state/log';
import { StateStore } from '../../src/state/store';
import { join } from 'node:path';
import type { Lab } from '../lab/fixture';

/**
 * The directory driver the engine suites run against: `simple` (ldapts, LDAPS + password; the default) or
 * `kerberos` (S.DS.P through edge-js, Negotiate signed+sealed on ldap://389, from the lab's gwb-svc keytab; no
 * password anywhere). Chosen by GWB_TEST_DIRECTORY_AUTH, so the same tests run against both (build/test.mjs runs
 * the main engine suites a second time with kerberos). The tests read AD back with their own ldapts client either way.
 */
export type TestDirectoryDriver = 'simple' | 'kerberos';
export function testDirectoryDriver(): TestDirectoryDriver {
  return process.env.GWB_TEST_DIRECTORY_AUTH === 'kerberos' ? 'kerberos' : 'simple';
}

/** The directory settings of the Kerberos driver for a lab DC: ldap://<ip>:389 and the DC's gwb-svc keytab. */
export function kerberosDirectory(lab: Lab): Pick<ResolvedConfig['directory'], 'urls' | 'auth'> {
  const k = lab.dc.kerberos;
  return { urls: [`ldap://${lab.dc.ip}:389`], auth: { type: 'kerberos', keytab: k.keytab, principal: k.principal, krb5Config: k.krb5Conf } };
}

/** Point a resolved config at the lab DC with the chosen driver. */
export function useDirectoryDriver(config: ResolvedConfig, lab: Lab, driver: TestDirectoryDriver = testDirectoryDriver()): ResolvedConfig {
  if (driver === 'kerberos') {
    Object.assign(config.directory, kerberosDirectory(lab));
    config.directory.bindDn = '';
    config.directory.password = '';
  }
  return config;
}

export function labConfig(lab: Lab, overrides: (doc: Record<string, any>) => void = () => {}): ResolvedConfig {
  const base = loadConfig(lab.config!.path, { env: { ...process.env, ...lab.config!.env } });
  const copy = useDirectoryDriver(structuredClone(base), lab);
  overrides(copy as unknown as Record<string, any>);
  return copy;
}

export interface CycleRun extends CycleResult {
  ldap: DirectoryOpCounts;
  events: CoreEvent[];
}

/** One cycle with fresh ports (like one `gwb run` process). */
export async function cycle(config: ResolvedConfig, opts: { full?: boolean; dryRun?: boolean } = {}): Promise<CycleRun> {
  const mapper = createMapper(config);
  const ports = openPorts(config, mapper);
  const events: CoreEvent[] = [];
  const sink = new EventSink();
  sink.on((e) => events.push(e));
  try {
    const store = StateStore.open(config.state.path).store;
    const r = await runCycle({ config, source: ports.source, target: ports.target, mapper, store, sink, ...opts });
    const ldap = (ports.target as unknown as { countOperations(): DirectoryOpCounts }).countOperations();
    return { ...r, ldap, events };
  } finally {
    await ports.close();
  }
}

export async function logEntries(config: ResolvedConfig, q: LogQuery = {}): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of queryLog(join(config.state.path, 'log'), q)) out.push(e);
  return out;
}

// ------------------------------------------------------------------------------------------------ reading AD

/** UTF-8 keeping a leading U+FEFF (ldapts' own decoding drops it as a byte order mark). */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const one = (v: Entry[string] | undefined): string | undefined => {
  const a = ([] as unknown[]).concat(v ?? []);
  if (!a.length) return undefined;
  return Buffer.isBuffer(a[0]) ? utf8.decode(a[0]) : String(a[0]);
};

export interface AdGroupRead {
  dn: string;
  cn: string;
  displayName?: string;
  description?: string;
  adminDescription?: string;
  anchor?: string;
  groupType?: string;
  objectGuid: string;
  usnChanged: string;
}

/** Every group under `base` carrying a `Group_` anchor, read over LDAP. */
export async function readAnchoredGroups(client: Client, base: string): Promise<AdGroupRead[]> {
  const { searchEntries } = await client.search(base, {
    scope: 'sub',
    filter: '(&(objectClass=group)(msDS-ExternalDirectoryObjectId=Group_*))',
    attributes: ['cn', 'displayName', 'description', 'adminDescription', 'msDS-ExternalDirectoryObjectId', 'groupType', 'objectGUID', 'uSNChanged'],
    explicitBufferAttributes: ['objectGUID', 'cn', 'displayName', 'description'],
    paged: { pageSize: 500 },
  });
  return searchEntries.map((e) => ({
    dn: e.dn,
    cn: one(e.cn)!,
    displayName: one(e.displayName),
    description: one(e.description),
    adminDescription: one(e.adminDescription),
    anchor: one(e['msDS-ExternalDirectoryObjectId']),
    groupType: one(e.groupType),
    objectGuid: (([] as unknown[]).concat(e.objectGUID)[0] as Buffer).toString('hex'),
    usnChanged: one(e.uSNChanged)!,
  }));
}

/**
 * `member` of an entry, read with explicit `member;range=lo-hi` windows (AD's MaxValRange is 1500), as a client of
 * Windows AD must: Samba returns every value to a plain `member` read. `timeLimit`: the server's time limit per
 * window in seconds (ldapts' default 10; 0 = none: a window of a 500,000-member group on a loaded DC takes longer).
 */
export async function readMembers(client: Client, dn: string, window = 1500, opts: { timeLimit?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for (let lo = 0; ; ) {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [`member;range=${lo}-${lo + window - 1}`], ...(opts.timeLimit !== undefined ? { timeLimit: opts.timeLimit } : {}) });
    const e = searchEntries[0];
    const key = Object.keys(e).find((k) => k.toLowerCase().startsWith('member;range=') && ([] as unknown[]).concat(e[k]).length > 0);
    if (!key) break;
    const values = ([] as unknown[]).concat(e[key]).map(String);
    out.push(...values);
    if (key.endsWith('-*')) break;
    lo += values.length;
  }
  return out;
}

export const uuid = () => randomUUID();

/** Default cn (spec §4): Left(Trim(displayName),51) + "_" + last 12 of the object id (.NET Trim; Left never splits a surrogate pair). */
export function expectedCn(displayName: string, id: string): string {
  return `${safeSlice(dotNetTrim(displayName), 0, 51)}_${id.slice(24)}`;
}

/** The bundled CLI, run as a real child process (async: the in-process Graph emulator must keep serving). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, opts: { killAfterMs?: number } = {}) {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 300_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, exitedAt: Date.now() });
    });
  });
  return { child, done };
}

export const CLI_PATH = join(__dirname, '../../module/GroupWriteback/bin/gwb.cjs');

/** Build the bundle the CLI tests run (vitest runs the sources; the CLI is the bundle). */
export function buildCli(): void {
  const root = join(__dirname, '../..');
  const b = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
}
