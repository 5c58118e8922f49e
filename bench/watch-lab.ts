/**
 * What the watch benches share (bench/watch.ts: latency and delivery; bench/watch-heap.ts: leaks): their argument
 * parsing and their lab — a fresh lab with `groups` groups of `members` synced users each, a config in a scratch
 * folder with the chosen state store (the directory store under the lab's state container, or a file store),
 * and the initial cycle (a real `gwb run` process) that provisions it before `gwb watch` starts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../test/lab/fixture';
import { STATE_CONTAINER } from '../test/lab/samba/constants';
import { runCore, type Measured } from './measure';

/** `--name N` as a number, or `def`. */
export const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
/** `--name S` as a string, or `def`. */
export const sarg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};

/** The arguments both watch benches take. */
export interface WatchArgs {
  /** --cli: another bundle of the core (a before/after comparison); default the module's. */
  cli: string;
  groups: number;
  /** Members per group (default 5). */
  members: number;
  users: number;
  minutes: number;
  /** Seconds between the watcher's cycles. */
  interval: number;
  /** --store directory (default) | file. */
  store: string;
}

/** --cli, --groups, --members, --users, --minutes, --interval, --store, with this bench's defaults. */
export function watchArgs(def: Pick<WatchArgs, 'groups' | 'users' | 'minutes' | 'interval'>): WatchArgs {
  return {
    cli: sarg('cli', join(__dirname, '../module/GroupWriteback/bin/gwb.cjs')),
    groups: arg('groups', def.groups),
    members: arg('members', 5),
    users: arg('users', def.users),
    minutes: arg('minutes', def.minutes),
    interval: arg('interval', def.interval),
    store: sarg('store', 'directory'),
  };
}

export interface WatchLab {
  lab: Lab;
  /** The scratch folder: config.json, state/ (its provisioning log), whatever the bench writes beside them. */
  work: string;
  /** Emulator ids of the seeded groups, in creation order. */
  groupIds: string[];
  configPath: string;
  /** The environment a `gwb` process needs for this lab (CA, client secret). */
  env: NodeJS.ProcessEnv;
}

export interface WatchLabOptions {
  /** Names the scratch folder (gwb-<name>-…), the config and the directory store's entry (CN=<name>-…). */
  name: string;
  users: number;
  groups: number;
  members: number;
  /** 'directory' (60 s lease) or 'file'. */
  store: string;
  /** Group i's display name and mailNickname. */
  displayName: (i: number) => string;
  mailNickname: (i: number) => string;
}

/** Start the lab and seed its tenant (group i gets the synced users (13 i + 101 k) mod users, k < members). */
export async function startWatchLab(o: WatchLabOptions): Promise<WatchLab> {
  const lab = await startLab({ users: o.users });
  try {
    const work = join(tmpdir(), `gwb-${o.name}-${randomUUID().slice(0, 8)}`);
    mkdirSync(work, { recursive: true });
    const store = lab.store!;
    const users = lab.seeded.users!.synced.map((u) => u.id);
    const groupIds: string[] = [];
    for (let i = 0; i < o.groups; i++) {
      const g = store.addGroup({ displayName: o.displayName(i), mailEnabled: false, securityEnabled: true, mailNickname: o.mailNickname(i) });
      for (let k = 0; k < o.members; k++) {
        const u = users[(i * 13 + k * 101) % users.length];
        if (!store.isMember(g.id, u)) store.addMember(g.id, u);
      }
      groupIds.push(g.id);
    }
    const base = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
    const configPath = join(work, 'config.json');
    const state = o.store === 'directory' ? { store: 'directory', dn: `CN=${o.name}-${randomUUID().slice(0, 8)},${STATE_CONTAINER}`, path: join(work, 'state'), leaseSeconds: 60 } : { path: join(work, 'state') };
    writeFileSync(configPath, JSON.stringify({ ...base, name: o.name, state }, null, 2));
    return { lab, work, groupIds, configPath, env: { ...process.env, ...lab.config!.env } };
  } catch (err) {
    await lab.stop();
    throw err;
  }
}

/** The initial cycle (`gwb run`): throws with the core's stderr unless it exits 0. */
export async function initialCycle(cli: string, w: WatchLab, env: NodeJS.ProcessEnv = w.env): Promise<Measured> {
  const initial = await runCore(cli, ['run', '--config', w.configPath, '--json'], env);
  if (initial.code !== 0) throw new Error(`initial cycle exited ${initial.code}: ${initial.stderr.slice(-2000)}`);
  return initial;
}
