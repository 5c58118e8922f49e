/**
 * <repo>/.lab/lab.json: what `lab up` started (daemon pid, samba pid, endpoints, credentials; 0600) and how to
 * recognise those processes again, so `down` stops only them.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { SerializedError } from '../../src/core/errors';
import { CLIENT_SECRET_ENV } from './lab-config';

export interface LabStateReady {
  version: 1;
  status: 'ready';
  daemonPid: number;
  startedAt: string;
  /** ms from daemon start to ready. */
  readyMs: number;
  ip: string;
  configPath: string;
  graph: {
    baseUrl: string;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    caFile: string;
    controlUrl: string;
  };
  ldap: {
    url: string;
    baseDn: string;
    targetOu: string;
    targetOu2: string;
    usersOu: string;
    bindDn: string;
    password: string;
    /** 0600 file holding `password` (what config.json references). */
    passwordFile: string;
    caFile: string;
  };
  kerberos: {
    realm: string;
    kdc: string;
    krb5Conf: string;
    keytab: string;
    principal: string;
    spns: string[];
    env: Record<string, string>;
  };
  /** The DC refuses simple binds / unsigned SASL on plain 389. */
  strongAuth: boolean;
  admin: { bindDn: string; password: string };
  samba: { pid: number; dir: string };
  seeded: { syncedUsers: number; cloudUsers: number; tenantUsers: number; tenantGroups: number };
  timings: Record<string, number>;
}

export interface LabStateFailed {
  version: 1;
  status: 'failed';
  daemonPid: number;
  error: SerializedError;
}

export type LabState = LabStateReady | LabStateFailed;

export function readLabState(file: string): LabState | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabState;
  } catch {
    return null;
  }
}

/** Atomic write, 0600 (it holds the lab's passwords). */
export function writeLabState(file: string, state: LabState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function removeLabState(file: string, daemonPid?: number): void {
  const s = readLabState(file);
  if (daemonPid === undefined || !s || s.daemonPid === daemonPid) rmSync(file, { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) counts as stopped.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The command line of a pid (NUL-separated args joined by spaces), or '' when it is gone. */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The one JSON object `up --json` prints. */
export function upOutput(s: LabStateReady): Record<string, unknown> {
  return {
    configPath: s.configPath,
    graph: { ...s.graph },
    ldap: {
      url: s.ldap.url, baseDn: s.ldap.baseDn, targetOu: s.ldap.targetOu, targetOu2: s.ldap.targetOu2,
      usersOu: s.ldap.usersOu, bindDn: s.ldap.bindDn, password: s.ldap.password, passwordFile: s.ldap.passwordFile,
      caFile: s.ldap.caFile, plainUrl: `ldap://${s.ip}:389`, strongAuth: s.strongAuth,
    },
    kerberos: { ...s.kerberos },
    admin: { ...s.admin },
    env: {
      NODE_EXTRA_CA_CERTS: s.graph.caFile,
      [CLIENT_SECRET_ENV]: s.graph.clientSecret,
      LDAPTLS_CACERT: s.ldap.caFile,
    },
    controlUrl: s.graph.controlUrl,
    pids: { daemon: s.daemonPid, samba: s.samba.pid },
    seeded: s.seeded,
    readyMs: s.readyMs,
  };
}

