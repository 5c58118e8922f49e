/**
 * The admin's view of a configuration file (GroupWriteback.Configuration): the settings in effect, defaults
 * filled in, secrets shown only as where they come from. Shared by config-get, config-new and config-set.
 */
import { resolveConfig } from '../config';
import { getKey, SECRET_CONFIG_KEYS, type ConfigDocument } from './config-file';

export const CONFIGURATION_TYPE = 'GroupWriteback.Configuration';

export interface ConfigurationView {
  path: string;
  name: string;
  tenantId: string;
  clientId: string | null;
  cloud: string;
  authentication: string;
  certificatePath: string | null;
  authorityHost: string | null;
  graphBaseUrl: string | null;
  servers: string[];
  baseDn: string;
  bindDn: string;
  targetContainer: string;
  scopeMode: string;
  groupIds: string[];
  filterCount: number;
  /** Secret hand-over key → where it comes from: 'env:NAME', 'file:PATH' or 'parameter' (handed over at run time). */
  secrets: Record<string, string>;
  provisionOnPremisesUsers: boolean;
  keepUnmanagedMembers: boolean;
  onSoftDelete: string;
  onPermanentDelete: string;
  onScopeExit: string;
  deleteThreshold: number;
  statePath: string;
  /** The file's JSON as written. */
  document: ConfigDocument;
}

export function configurationView(path: string, doc: ConfigDocument): ConfigurationView {
  const c = resolveConfig(doc, { configPath: path, withoutSecrets: true });
  const secrets: Record<string, string> = {};
  const needed = [SECRET_CONFIG_KEYS['directory.password']];
  if (c.tenant.auth.type === 'clientSecret') needed.push(SECRET_CONFIG_KEYS['tenant.clientSecret']);
  if (c.tenant.auth.type === 'certificate') needed.push(SECRET_CONFIG_KEYS['tenant.certificatePassword']);
  for (const [handOver, configKey] of Object.entries(SECRET_CONFIG_KEYS)) {
    if (!needed.includes(configKey)) continue;
    const ref = getKey(doc, configKey) as { env?: string; file?: string } | undefined;
    secrets[handOver] = ref?.env ? `env:${ref.env}` : ref?.file ? `file:${ref.file}` : 'parameter';
  }
  return {
    path,
    name: c.name,
    tenantId: c.tenant.tenantId,
    clientId: c.tenant.auth.type === 'managedIdentity' ? c.tenant.auth.clientId ?? c.tenant.clientId ?? null : c.tenant.clientId ?? null,
    cloud: c.tenant.cloud,
    authentication: c.tenant.auth.type,
    certificatePath: c.tenant.auth.type === 'certificate' ? c.tenant.auth.certificatePath : null,
    authorityHost: c.tenant.authorityHost ?? null,
    graphBaseUrl: c.tenant.graphBaseUrl ?? null,
    servers: c.directory.urls,
    baseDn: c.directory.baseDn,
    bindDn: c.directory.bindDn,
    targetContainer: c.target.container,
    scopeMode: c.scope.mode,
    groupIds: c.scope.groupIds,
    filterCount: c.scope.filters.length,
    secrets,
    provisionOnPremisesUsers: c.membership.provisionOnPremisesUsers,
    keepUnmanagedMembers: c.membership.keepUnmanagedMembers,
    onSoftDelete: c.lifecycle.onSoftDelete,
    onPermanentDelete: c.lifecycle.onPermanentDelete,
    onScopeExit: c.lifecycle.onScopeExit,
    deleteThreshold: c.safety.deleteThreshold,
    statePath: c.state.path,
    document: doc,
  };
}
