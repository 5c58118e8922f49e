/**
 * Runs every prerequisite check for a configuration file and streams the rows. A check that cannot run because an
 * earlier one failed is reported as Skipped with the reason, so the output always has the same shape.
 */
import { handedOverCertificate, loadConfig, resolveSecret, SECRET_KEYS, type ConfigFile, type ResolvedConfig } from '../config';
import { GwbError } from '../core/errors';
import { readConfigDocument } from '../ops/config-file';
import { directoryChecks } from './directory-checks';
import { graphChecks } from './graph-checks';
import { row, type CheckRow } from './types';

export interface DoctorOptions {
  configPath: string;
  secrets: Readonly<Record<string, string>>;
  signal: AbortSignal;
  timeoutMs?: number;
  skipWriteProbe?: boolean;
  /** Called with each row as soon as it is known. */
  onRow: (r: CheckRow) => void;
  onProgress?: (status: string, percent: number) => void;
}

const AREA = 'Configuration';

export async function runDoctor(opts: DoctorOptions): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const emit = (r: CheckRow) => {
    rows.push(r);
    opts.onRow(r);
  };
  const ctx = { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 10_000 };

  // 1. The file is valid.
  opts.onProgress?.('Reading the configuration', 5);
  let shape: ResolvedConfig;
  let doc: ConfigFile;
  try {
    doc = readConfigDocument(opts.configPath) as unknown as ConfigFile;
    shape = loadConfig(opts.configPath, { withoutSecrets: true });
    emit(row(AREA, 'config.valid', 'Configuration file', 'Passed', opts.configPath,
      `Valid: tenant ${shape.tenant.tenantId} (${shape.tenant.auth.type}), ${shape.directory.urls.length} domain controller(s), target ${shape.target.container}.`));
  } catch (err) {
    const e = err as GwbError;
    emit(row(AREA, 'config.valid', 'Configuration file', 'Failed', opts.configPath, e.message, e.hint ?? null));
    return rows;
  }

  // 2. Each needed secret is provided (by the caller, the environment or a file).
  const baseDir = shape.configPath.replace(/[\\/][^\\/]*$/, '');
  const sctx = { secrets: opts.secrets, baseDir };
  const found: string[] = [];
  const missing: { key: string; error: GwbError }[] = [];
  const resolved: Record<string, string | undefined> = {};
  const a = doc.tenant.auth;
  // Kerberos binds with no password at all: nothing to ask for on the directory side.
  const wanted: [string, string, unknown, boolean][] = shape.directory.auth.type === 'kerberos' ? [] : [[SECRET_KEYS.directoryPassword, 'config.directory.password', doc.directory.password, true]];
  if (a.type === 'clientSecret') wanted.push([SECRET_KEYS.clientSecret, 'config.tenant.auth.clientSecret', a.clientSecret, true]);
  // A certificate from the Windows store (handed over) needs no password; one named only by thumbprint must be handed over.
  let storeCertificate = false;
  if (a.type === 'certificate') {
    try {
      const handed = handedOverCertificate(shape.tenant.auth.type === 'certificate' ? shape.tenant.auth.certificateThumbprint : undefined, sctx);
      if (handed !== undefined) {
        storeCertificate = true;
        resolved[SECRET_KEYS.certificate] = handed;
        found.push(SECRET_KEYS.certificate);
      }
    } catch (err) {
      storeCertificate = true;
      missing.push({ key: SECRET_KEYS.certificate, error: err as GwbError });
    }
  }
  if (a.type === 'certificate' && !storeCertificate) wanted.push([SECRET_KEYS.certificatePassword, 'config.tenant.auth.certificatePassword', a.certificatePassword, a.certificatePassword !== undefined]);
  for (const [key, configKey, ref, required] of wanted) {
    try {
      const v = resolveSecret(key as never, configKey, ref as never, sctx, required);
      resolved[key] = v;
      if (v !== undefined) found.push(key);
    } catch (err) {
      missing.push({ key, error: err as GwbError });
    }
  }
  if (missing.length) {
    emit(row(AREA, 'config.secrets', 'Secrets', 'Failed', missing.map((m) => m.key).join(', '),
      // Every missing secret's fix (both -Credential and -ClientSecret when both are missing), not only the first.
      missing.map((m) => m.error.message).join(' '), missing.map((m) => m.error.hint).filter(Boolean).join(' ') || null));
  } else {
    emit(row(AREA, 'config.secrets', 'Secrets', 'Passed', found.join(', ') || null,
      found.length ? `Provided: ${found.join(', ')}.` : 'No secret needed.'));
  }
  const config: ResolvedConfig = {
    ...shape,
    directory: { ...shape.directory, password: resolved[SECRET_KEYS.directoryPassword] ?? '' },
    tenant: {
      ...shape.tenant,
      auth: shape.tenant.auth.type === 'clientSecret'
        ? { type: 'clientSecret', clientSecret: resolved[SECRET_KEYS.clientSecret] ?? '' }
        : shape.tenant.auth.type === 'certificate'
          ? {
              ...shape.tenant.auth,
              ...(resolved[SECRET_KEYS.certificate] !== undefined ? { certificate: resolved[SECRET_KEYS.certificate] } : {}),
              ...(resolved[SECRET_KEYS.certificatePassword] !== undefined ? { certificatePassword: resolved[SECRET_KEYS.certificatePassword] } : {}),
            }
          : shape.tenant.auth,
    },
  };
  const tenantSecretMissing = missing.some((m) => m.key !== SECRET_KEYS.directoryPassword);
  const havePassword = !missing.some((m) => m.key === SECRET_KEYS.directoryPassword);

  // 3. Graph.
  opts.onProgress?.('Checking Microsoft Graph', 20);
  if (tenantSecretMissing) {
    for (const [id, check] of [['graph.reachable', 'Graph reachable'], ['graph.token', 'Graph sign-in'], ['graph.permissions', 'Graph permissions'], ['graph.read', 'Graph read']]) {
      emit(row('Graph', id, check, 'Skipped', null, 'Not checked: the tenant secret was not provided.', 'Pass -ClientSecret / -CertificatePassword / -CertificateThumbprint (or configure the reference).'));
    }
  } else {
    for (const r of await graphChecks(config, ctx)) emit(r);
  }

  // 4. Directory.
  opts.onProgress?.('Checking Active Directory', 55);
  for (const r of await directoryChecks(config, ctx, { havePassword, skipWriteProbe: opts.skipWriteProbe })) emit(r);
  opts.onProgress?.('Done', 100);
  return rows;
}
