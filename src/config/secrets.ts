/**
 * Secrets never live in the configuration file. Each is resolved, in order, from: the caller's secrets (the
 * PowerShell module sends them on stdin, keyed `tenant.clientSecret`, `tenant.certificatePassword`,
 * `directory.password`), else the environment variable named by `{ "env": NAME }`, else the file named by
 * `{ "file": PATH }`. The certificate from the Windows store (`tenant.certificate`) is only ever handed over.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import { say, surface } from '../core/surface';
import { SECRET_KEYS, type ReferencedSecretKey, type SecretRef } from './types';

export interface SecretContext {
  /** Secrets handed over by the caller. */
  secrets: Readonly<Record<string, string>>;
  /** Folder relative file references resolve against. */
  baseDir: string;
  env?: NodeJS.ProcessEnv;
}

function howTo(key: ReferencedSecretKey, configKey: string): string {
  if (surface() === 'powershell') {
    return `Pass ${say.secretParam(key)} to the cmdlet, or set ${configKey} in the configuration to {"env": "NAME"} (an environment variable) or {"file": "PATH"} (a file readable only by the service account).`;
  }
  return `Provide it one of three ways: (1) from PowerShell, pass ${say.secretParam(key)} (the module sends it over stdin), ` +
    `(2) set ${configKey} to {"env": "NAME"} and export NAME, or (3) set ${configKey} to {"file": "PATH"} naming a file that holds it (readable only by the service account).`;
}

/** Resolve one secret; `required` false returns undefined when nothing provides it. */
export function resolveSecret(key: ReferencedSecretKey, configKey: string, ref: SecretRef | undefined, ctx: SecretContext, required = true): string | undefined {
  const given = ctx.secrets[key];
  if (typeof given === 'string' && given.length > 0) return given;
  const env = ctx.env ?? process.env;
  if (ref && 'env' in ref) {
    const v = env[ref.env];
    if (v !== undefined && v !== '') return v;
    throw new ConfigError(`The secret ${configKey} is missing: environment variable ${ref.env} is not set.`, {
      code: 'SecretMissing',
      target: configKey,
      hint: howTo(key, configKey),
    });
  }
  if (ref && 'file' in ref) {
    const path = resolve(ctx.baseDir, ref.file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`The secret ${configKey} is missing: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, {
        code: 'SecretMissing',
        target: configKey,
        hint: howTo(key, configKey),
        cause: err,
      });
    }
    const v = text.replace(/\r?\n$/, '');
    if (v.length > 0) return v;
    throw new ConfigError(`The secret ${configKey} is missing: ${path} is empty.`, { code: 'SecretMissing', target: configKey, hint: howTo(key, configKey) });
  }
  if (!required) return undefined;
  throw new ConfigError(`The secret ${configKey} is missing.`, { code: 'SecretMissing', target: configKey, hint: howTo(key, configKey) });
}

/**
 * The certificate handed over as 'tenant.certificate' (base64 PKCS#12 from the Windows store), or undefined.
 * When the configuration names the certificate by `thumbprint` alone, it must have been handed over.
 */
export function handedOverCertificate(thumbprint: string | undefined, ctx: Pick<SecretContext, 'secrets'>): string | undefined {
  const given = ctx.secrets[SECRET_KEYS.certificate];
  if (typeof given === 'string' && given.length > 0) return given;
  if (thumbprint === undefined) return undefined;
  throw new ConfigError(
    `The certificate ${thumbprint} named by config.tenant.auth.certificateThumbprint was not handed over (secret '${SECRET_KEYS.certificate}').`,
    {
      code: 'SecretMissing',
      target: 'config.tenant.auth.certificateThumbprint',
      hint: `Run the command on Windows with -CertificateThumbprint ${thumbprint} (the module reads the certificate and its private key from ` +
        "Cert:\\CurrentUser\\My or Cert:\\LocalMachine\\My and hands it over on stdin), or export it as a PFX/PEM file and configure " +
        'certificatePath instead (Set-GroupWritebackConfiguration -CertificatePath <file>).',
    },
  );
}
