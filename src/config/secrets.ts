/**
 * Secrets never live in the configuration file. Each is resolved, in order, from: the caller's secrets (the
 * PowerShell module sends them on stdin, keyed `tenant.clientSecret`, `tenant.certificatePassword`,
 * `directory.password`), else the environment variable named by `{ "env": NAME }`, else the file named by
 * `{ "file": PATH }`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import type { SecretKey, SecretRef } from './types';

export interface SecretContext {
  /** Secrets handed over by the caller. */
  secrets: Readonly<Record<string, string>>;
  /** Folder relative file references resolve against. */
  baseDir: string;
  env?: NodeJS.ProcessEnv;
}

function howTo(key: SecretKey, configKey: string): string {
  return `Provide it one of three ways: (1) pass it from PowerShell (the module sends '${key}' over stdin), ` +
    `(2) set ${configKey} to {"env": "NAME"} and export NAME, or (3) set ${configKey} to {"file": "PATH"} naming a file that holds it (readable only by the service account).`;
}

/** Resolve one secret; `required` false returns undefined when nothing provides it. */
export function resolveSecret(key: SecretKey, configKey: string, ref: SecretRef | undefined, ctx: SecretContext, required = true): string | undefined {
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
