/**
 * The GroupWriteback configuration for a running lab (shape of docs/config.example.json): scope "all", no
 * filters, target = the DC's Cloud Groups OU. No secret is inline: the client secret comes from the env var
 * GWB_CLIENT_SECRET, the LDAP password from a 0600 file under .lab/secrets.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LabPaths } from './lab-paths';

export const CLIENT_SECRET_ENV = 'GWB_CLIENT_SECRET';

export interface LabGraphEndpoint {
  baseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  caFile: string;
}

export interface LabLdapEndpoint {
  url: string;
  baseDn: string;
  targetOu: string;
  bindDn: string;
  caFile: string;
}

export interface WrittenLabConfig {
  /** The config document as written. */
  config: Record<string, unknown>;
  /** Absolute path of the written config.json. */
  path: string;
  /** Absolute path of the 0600 file holding the LDAP password. */
  passwordFile: string;
}

export function labConfigDocument(
  graph: LabGraphEndpoint,
  ldap: LabLdapEndpoint,
  opts: { passwordFile: string; statePath: string; name?: string },
): Record<string, unknown> {
  return {
    name: opts.name ?? 'lab',
    tenant: {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      cloud: 'Public',
      authorityHost: graph.authorityHost,
      graphBaseUrl: graph.baseUrl,
      caFile: graph.caFile,
      auth: { type: 'clientSecret', clientSecret: { env: CLIENT_SECRET_ENV } },
    },
    directory: {
      urls: [ldap.url],
      baseDn: ldap.baseDn,
      bindDn: ldap.bindDn,
      password: { file: opts.passwordFile },
      caFile: ldap.caFile,
      connections: 4,
    },
    scope: { mode: 'all', filters: [] },
    target: { container: ldap.targetOu },
    mappings: [],
    membership: { provisionOnPremisesUsers: true, keepUnmanagedMembers: false, batchSize: 1000 },
    lifecycle: { onSoftDelete: 'empty', onPermanentDelete: 'delete', onScopeExit: 'leave' },
    safety: { deleteThreshold: 500, quarantineAfterFailures: 3 },
    state: { path: opts.statePath },
  };
}

/**
 * Write `<dir>/config.json` and `<dir>/secrets/ldap-password` (0600). `dir` defaults to the lab dir (.lab);
 * the fixture passes a per-lab directory so parallel suites don't overwrite each other's config.
 */
export function writeLabConfig(
  graph: LabGraphEndpoint,
  ldap: LabLdapEndpoint & { password: string },
  paths: Pick<LabPaths, 'configJson' | 'secretsDir' | 'stateDir'>,
): WrittenLabConfig {
  mkdirSync(paths.secretsDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(paths.secretsDir, 'ldap-password');
  writeFileSync(passwordFile, ldap.password, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const config = labConfigDocument(graph, ldap, { passwordFile, statePath: paths.stateDir });
  mkdirSync(dirname(paths.configJson), { recursive: true });
  writeFileSync(paths.configJson, JSON.stringify(config, null, 2) + '\n');
  return { config, path: paths.configJson, passwordFile };
}
