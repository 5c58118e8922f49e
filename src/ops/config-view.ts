/**
 * The admin's view of a configuration file (GroupWriteback.Configuration): the settings in effect, defaults
 * filled in, secrets shown only as where they come from. Shared by config-get, config-new and config-set.
 */
import { resolveConfig, SECRET_KEYS } from '../config';
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
  /** Thumbprint of the certificate in the Windows store (handed over with -CertificateThumbprint). */
  certificateThumbprint: string | null;
  authorityHost: string | null;
  graphBaseUrl: string | null;
  servers: string[];
  baseDn: string;
  bindDn: string;
  targetContainer: string;
  scopeMode: string;
  groupIds: string[];
  filterCount: number;
  /**
   * Secret hand-over key → where it comes from: 'env:NAME', 'file:PATH' or 'parameter' (handed over at run time;
   * 'tenant.certificate' is the Windows store certificate, -CertificateThumbprint).
   */
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
  const auth = c.tenant.auth;
  const fromStore = auth.type === 'certificate' && auth.certificateThumbprint !== undefined;
  const needed = [SECRET_CONFIG_KEYS['directory.password']];
  if (auth.type === 'clientSecret') needed.push(SECRET_CONFIG_KEYS['tenant.clientSecret']);
  if (auth.type === 'certificate' && !fromStore) needed.push(SECRET_CONFIG_KEYS['tenant.certificatePassword']);
  if (fromStore) secrets[SECRET_KEYS.certificate] = 'parameter';
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
    certificatePath: auth.type === 'certificate' ? auth.certificatePath ?? null : null,
    certificateThumbprint: auth.type === 'certificate' ? auth.certificateThumbprint ?? null : null,
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
