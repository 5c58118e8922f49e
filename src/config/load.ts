/**
 * loadConfig(path, secrets) → ResolvedConfig: read, validate against the schema, apply defaults, make paths
 * absolute (relative to the file's folder) and resolve secrets — all of them, or only those of the parts an
 * operation uses (`secretsFor`).
 */
import { say } from '../core/surface';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import { handedOverCertificate, resolveSecret } from './secrets';
import { HANDED_OVER_DIRECTORY_USER, SECRET_KEYS, SECRET_PARTS, type ConfigFile, type ResolvedAuth, type ResolvedConfig, type SecretPart } from './types';
import { validateConfigDocument } from './validate';

export interface LoadOptions {
  /** Secrets handed over by the caller (RPC stdin). */
  secrets?: Readonly<Record<string, string>>;
  env?: NodeJS.ProcessEnv;
  /**
   * Skip resolving secrets (for verbs that only read the state store: status, log, approve-deletes, reset,
   * or for showing a config). The secret fields are then empty strings. Same as `secretsFor: []`.
   */
  withoutSecrets?: boolean;
  /**
   * Resolve only the secrets of these parts (default: both): 'tenant' (client secret, certificate and its
   * password) and 'directory' (the bind password). Secrets of the other parts are left empty and never demanded,
   * e.g. `scope` reads Graph only: `secretsFor: ['tenant']`.
   */
  secretsFor?: readonly SecretPart[];
}

/** Read and resolve the configuration file at `path`. */
export function loadConfig(path: string, secretsOrOptions: Readonly<Record<string, string>> | LoadOptions = {}): ResolvedConfig {
  const options: LoadOptions = isLoadOptions(secretsOrOptions) ? secretsOrOptions : { secrets: secretsOrOptions };
  if (!path) {
    throw new ConfigError('No configuration file was given.', { code: 'ConfigMissing', target: 'configPath', hint: `Pass ${say.configPath()} (see docs/configuration.md).` });
  }
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot read the configuration file ${abs} (${code ?? 'error'}).`, {
      code: 'ConfigUnreadable',
      target: abs,
      hint: code === 'ENOENT' ? `Check the path given to ${say.configPath()}.` : 'Check the file permissions.',
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`The configuration file ${abs} is not valid JSON: ${(err as Error).message}`, {
      code: 'ConfigInvalidJson',
      target: abs,
      hint: 'Fix the JSON syntax (comments and trailing commas are not allowed).',
    });
  }
  return resolveConfig(doc, { ...options, configPath: abs });
}

function isLoadOptions(x: unknown): x is LoadOptions {
  return typeof x === 'object' && x !== null && ('secrets' in x || 'env' in x || 'withoutSecrets' in x || 'secretsFor' in x);
}

/** Validate and resolve an already-parsed document. `configPath` anchors relative paths. */
export function resolveConfig(doc: unknown, options: LoadOptions & { configPath?: string } = {}): ResolvedConfig {
  const configPath = options.configPath ?? resolve('groupwriteback.json');
  const problems = validateConfigDocument(doc);
  if (problems.length) {
    const lines = problems.map((p) => `  ${p.key}: ${p.message}`).join('\n');
    throw new ConfigError(`The configuration ${configPath} is invalid:\n${lines}`, {
      code: 'ConfigInvalid',
      target: problems[0].key,
      hint: 'Fix the keys named above; docs/configuration.md describes every setting and docs/groupwriteback.schema.json is the schema.',
    });
  }
  const cfg = doc as ConfigFile;
  const baseDir = dirname(configPath);
  const abs = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(baseDir, p));
  const sctx = { secrets: options.secrets ?? {}, baseDir, env: options.env };
  const parts = new Set<SecretPart>(options.withoutSecrets ? [] : options.secretsFor ?? SECRET_PARTS);
  const secretOf = (part: SecretPart) => parts.has(part)
    ? (key: Parameters<typeof resolveSecret>[0], configKey: string, ref: Parameters<typeof resolveSecret>[2], required = true) =>
        resolveSecret(key, configKey, ref, sctx, required)
    : () => '';
  const tenantSecret = secretOf('tenant');
  const directorySecret = secretOf('directory');

  const a = cfg.tenant.auth;
  let auth: ResolvedAuth;
  switch (a.type) {
    case 'clientSecret':
      auth = { type: 'clientSecret', clientSecret: tenantSecret(SECRET_KEYS.clientSecret, 'config.tenant.auth.clientSecret', a.clientSecret) ?? '' };
      break;
    case 'certificate': {
      auth = { type: 'certificate', sendCertificateChain: a.sendCertificateChain ?? false };
      if (a.certificatePath !== undefined) auth.certificatePath = abs(a.certificatePath)!;
      if (a.certificateThumbprint !== undefined) auth.certificateThumbprint = a.certificateThumbprint.toUpperCase();
      if (!parts.has('tenant')) break;
      // A certificate handed over by the caller (the Windows store) comes first, like every handed-over secret.
      const handed = handedOverCertificate(auth.certificateThumbprint, sctx);
      if (handed !== undefined) {
        auth.certificate = handed;
        break;
      }
      const pw = tenantSecret(SECRET_KEYS.certificatePassword, 'config.tenant.auth.certificatePassword', a.certificatePassword, a.certificatePassword !== undefined);
      if (pw) auth.certificatePassword = pw;
      break;
    }
    case 'managedIdentity':
      auth = a.clientId ? { type: 'managedIdentity', clientId: a.clientId } : { type: 'managedIdentity' };
      break;
  }

  const tenant: ResolvedConfig['tenant'] = { tenantId: cfg.tenant.tenantId, cloud: cfg.tenant.cloud ?? 'Public', resourceUnitBudget: cfg.tenant.resourceUnitBudget ?? 3500, auth };
  if (cfg.tenant.clientId) tenant.clientId = cfg.tenant.clientId;
  if (cfg.tenant.authorityHost) tenant.authorityHost = cfg.tenant.authorityHost.replace(/\/+$/, '');
  if (cfg.tenant.graphBaseUrl) tenant.graphBaseUrl = cfg.tenant.graphBaseUrl.replace(/\/+$/, '');
  if (cfg.tenant.caFile) tenant.caFile = abs(cfg.tenant.caFile);
  if (cfg.tenant.timeoutMs !== undefined) tenant.timeoutMs = cfg.tenant.timeoutMs;

  const da = cfg.directory.auth ?? { type: 'simple' };
  let directoryAuth: ResolvedConfig['directory']['auth'] = { type: 'simple' };
  if (da.type === 'kerberos') {
    directoryAuth = { type: 'kerberos' };
    if (da.keytab !== undefined) directoryAuth.keytab = abs(da.keytab)!;
    if (da.principal !== undefined) directoryAuth.principal = da.principal;
    if (da.krb5Config !== undefined) directoryAuth.krb5Config = abs(da.krb5Config)!;
  }
  const directory: ResolvedConfig['directory'] = {
    urls: cfg.directory.urls.map((u) => u.replace(/\/+$/, '')),
    baseDn: cfg.directory.baseDn,
    auth: directoryAuth,
    bindDn: cfg.directory.bindDn ?? '',
    // Kerberos: there is no password to resolve (the schema refuses one in the file).
    password: directoryAuth.type === 'kerberos' ? '' : directorySecret(SECRET_KEYS.directoryPassword, 'config.directory.password', cfg.directory.password) ?? '',
    connections: cfg.directory.connections ?? 4,
    timeoutMs: cfg.directory.timeoutMs ?? 30_000,
    memberRangeSize: cfg.directory.memberRangeSize ?? 1500,
  };
  if (cfg.directory.caFile) directory.caFile = abs(cfg.directory.caFile);
  // A credential's user name is the account to bind as (only with its password: a name alone changes nothing).
  const user = sctx.secrets[HANDED_OVER_DIRECTORY_USER];
  if (parts.has('directory') && typeof user === 'string' && user.trim() && sctx.secrets[SECRET_KEYS.directoryPassword]) directory.bindDn = user.trim();

  return {
    configPath,
    name: cfg.name ?? basename(configPath, extname(configPath)),
    tenant,
    directory,
    scope: {
      mode: cfg.scope?.mode ?? 'selected',
      groupIds: (cfg.scope?.groupIds ?? []).map((g) => g.toLowerCase()),
      filters: cfg.scope?.filters ?? [],
    },
    target: { container: cfg.target.container, managedContainers: cfg.target.managedContainers ?? [] },
    mappings: cfg.mappings ?? [],
    membership: {
      provisionOnPremisesUsers: cfg.membership?.provisionOnPremisesUsers ?? true,
      keepUnmanagedMembers: cfg.membership?.keepUnmanagedMembers ?? false,
      batchSize: cfg.membership?.batchSize ?? 1000,
    },
    lifecycle: {
      onSoftDelete: cfg.lifecycle?.onSoftDelete ?? 'empty',
      onPermanentDelete: cfg.lifecycle?.onPermanentDelete ?? 'delete',
      onScopeExit: cfg.lifecycle?.onScopeExit ?? 'leave',
    },
    safety: {
      deleteThreshold: cfg.safety?.deleteThreshold ?? 500,
      quarantineAfterFailures: cfg.safety?.quarantineAfterFailures ?? 3,
      memberRemovalThreshold: {
        percent: cfg.safety?.memberRemovalThreshold?.percent ?? 50,
        minGroupSize: cfg.safety?.memberRemovalThreshold?.minGroupSize ?? 50,
      },
    },
    state: {
      store: cfg.state?.store ?? 'file',
      path: abs(cfg.state?.path ?? './state')!,
      ...(cfg.state?.dn ? { dn: cfg.state.dn } : {}),
      ...(cfg.state?.url ? { url: cfg.state.url } : {}),
      leaseSeconds: cfg.state?.leaseSeconds ?? 60,
    },
    log: { retentionDays: cfg.log?.retentionDays ?? 30 },
  };
}
