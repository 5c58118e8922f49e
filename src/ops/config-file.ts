/**
 * The configuration file as a document: read it raw (no defaults, no secrets), change keys by their dotted path,
 * validate it with the config layer's schema, and write it back atomically. Used by the config-* operations
 * (New-/Get-/Set-GroupWritebackConfiguration, Add-/Remove-GroupWritebackScope); the cycle itself reads the file
 * through src/config's loadConfig.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, UsageError } from '../core/errors';
import { validateConfigDocument } from '../config';
import { SECRET_KEYS, type ReferencedSecretKey, type SecretRef } from '../config';
import { writeFileAtomic } from '../state/atomic';

export type ConfigDocument = Record<string, unknown>;

/** The published schema's id, written as `$schema` into new files so editors can validate them. */
export const SCHEMA_URL = 'https://groupwriteback.dev/schema/groupwriteback.schema.json';

/** Where each secret (by its hand-over key) is referenced in the file ('tenant.certificate' is only handed over). */
export const SECRET_CONFIG_KEYS: Readonly<Record<ReferencedSecretKey, string>> = {
  [SECRET_KEYS.clientSecret]: 'tenant.auth.clientSecret',
  [SECRET_KEYS.certificatePassword]: 'tenant.auth.certificatePassword',
  [SECRET_KEYS.directoryPassword]: 'directory.password',
};

/** Keys each authentication type allows under tenant.auth (the schema's oneOf branches). */
const AUTH_KEYS: Record<string, readonly string[]> = {
  clientSecret: ['type', 'clientSecret'],
  certificate: ['type', 'certificatePath', 'certificateThumbprint', 'certificatePassword', 'sendCertificateChain'],
  managedIdentity: ['type', 'clientId'],
};

/** The path must be given and absolute: the module resolves it against the caller's current location. */
export function requireConfigPath(value: unknown, param = 'configPath'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new UsageError(`No configuration file was given (${param}).`, {
      code: 'ConfigMissing',
      target: param,
      hint: 'Pass -ConfigPath (or set $env:GROUPWRITEBACK_CONFIG); create one with New-GroupWritebackConfiguration.',
    });
  }
  return isAbsolute(value) ? value : resolve(value);
}

/** Read the file as a plain JSON document (no defaults applied, secrets untouched). */
export function readConfigDocument(path: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot read the configuration file ${path} (${code ?? 'error'}).`, {
      code: code === 'ENOENT' ? 'ConfigNotFound' : 'ConfigUnreadable',
      category: code === 'ENOENT' ? 'ObjectNotFound' : 'ReadError',
      target: path,
      hint: code === 'ENOENT'
        ? 'Check -ConfigPath / $env:GROUPWRITEBACK_CONFIG, or create the file with New-GroupWritebackConfiguration.'
        : 'Check the file permissions.',
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`The configuration file ${path} is not valid JSON: ${(err as Error).message}`, {
      code: 'ConfigInvalidJson',
      category: 'ParserError',
      target: path,
      hint: 'Fix the JSON syntax (comments and trailing commas are not allowed).',
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`The configuration file ${path} does not hold a JSON object.`, { code: 'ConfigInvalid', category: 'InvalidData', target: path, hint: 'Recreate it with New-GroupWritebackConfiguration.' });
  }
  return doc as ConfigDocument;
}

/** Throw a ConfigError naming every invalid key (nothing is written then). */
export function assertValidDocument(doc: ConfigDocument, path: string): void {
  const problems = validateConfigDocument(doc);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.key}: ${p.message}`).join('\n');
  throw new ConfigError(`The configuration for ${path} would be invalid:\n${lines}`, {
    code: 'ConfigInvalid',
    target: problems[0].key,
    hint: 'Fix the values named above (docs/configuration.md describes every setting); nothing was written.',
  });
}

/** Write the document (2-space JSON, trailing newline) atomically, creating the folder; mode 0600. */
export function writeConfigDocument(path: string, doc: ConfigDocument): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, JSON.stringify(doc, null, 2) + '\n', 0o600);
  } catch (err) {
    throw new ConfigError(`Cannot write the configuration file ${path}: ${(err as Error).message}`, {
      code: 'ConfigUnwritable',
      category: 'WriteError',
      target: path,
      hint: 'Check that the folder exists or can be created, and that this account may write there.',
      cause: err,
    });
  }
}

export function configExists(path: string): boolean {
  return existsSync(path);
}

const KEY_SEGMENT = /^[A-Za-z_$][\w$-]*$/;

function splitKey(key: string): string[] {
  const parts = key.replace(/^config\./, '').split('.');
  if (parts.length === 0 || parts.some((p) => !KEY_SEGMENT.test(p))) {
    throw new UsageError(`'${key}' is not a setting name.`, {
      code: 'InvalidSettingName',
      target: key,
      hint: "Name settings by their dotted path, e.g. 'safety.deleteThreshold' or 'directory.urls' (docs/configuration.md).",
    });
  }
  return parts;
}

export function getKey(doc: ConfigDocument, key: string): unknown {
  let cur: unknown = doc;
  for (const part of splitKey(key)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Set (or, with `undefined`/`null`, remove) one dotted key; a parent object left empty by a removal goes too. */
export function setKey(doc: ConfigDocument, key: string, value: unknown): void {
  const parts = splitKey(key);
  const path: Record<string, unknown>[] = [doc];
  let cur: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      if (value === undefined || value === null) return;
      cur[part] = {};
    }
    cur = cur[part] as Record<string, unknown>;
    path.push(cur);
  }
  const last = parts[parts.length - 1];
  if (value !== undefined && value !== null) {
    cur[last] = value;
    return;
  }
  delete cur[last];
  for (let i = path.length - 1; i > 0 && Object.keys(path[i]).length === 0; i--) delete path[i - 1][parts[i - 1]];
}

/** `env:NAME` / `file:PATH` (or an object {env}/{file}) → a secret reference. */
export function parseSecretRef(key: string, value: unknown): SecretRef {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.env === 'string' && Object.keys(o).length === 1) return { env: o.env };
    if (typeof o.file === 'string' && Object.keys(o).length === 1) return { file: o.file };
  }
  if (typeof value === 'string') {
    const m = /^(env|file):(.+)$/i.exec(value);
    if (m) return m[1].toLowerCase() === 'env' ? { env: m[2] } : { file: m[2] };
  }
  throw new UsageError(`The secret reference for ${key} must be 'env:NAME' or 'file:PATH'.`, {
    code: 'InvalidSecretReference',
    target: key,
    hint: "For example 'env:GWB_CLIENT_SECRET' or 'file:/etc/groupwriteback/ldap-password'. The secret itself never goes into the file.",
  });
}

/** Apply secret references keyed by hand-over key (tenant.clientSecret, tenant.certificatePassword, directory.password). */
export function applySecretRefs(doc: ConfigDocument, refs: Record<string, unknown> | undefined): void {
  for (const [key, value] of Object.entries(refs ?? {})) {
    const configKey = (SECRET_CONFIG_KEYS as Record<string, string>)[key];
    if (!configKey) {
      throw new UsageError(`'${key}' is not a secret this configuration references.`, {
        code: 'InvalidSecretReference',
        target: key,
        hint: `Use one of ${Object.keys(SECRET_CONFIG_KEYS).join(', ')}.`,
      });
    }
    setKey(doc, configKey, value === null || value === '' ? null : parseSecretRef(key, value));
  }
}

/** After tenant.auth.type changed, drop the keys the new type does not allow (e.g. clientSecret → certificate). */
export function pruneAuth(doc: ConfigDocument): void {
  pruneDirectoryAuth(doc);
  const auth = getKey(doc, 'tenant.auth');
  if (!auth || typeof auth !== 'object') return;
  const allowed = AUTH_KEYS[String((auth as Record<string, unknown>).type)];
  if (!allowed) return;
  for (const k of Object.keys(auth)) if (!allowed.includes(k)) delete (auth as Record<string, unknown>)[k];
}

/**
 * directory.auth: kerberos binds with no password, so switching to it drops directory.bindDn and the password
 * reference; simple keeps only its type (and drops auth altogether, simple being the default).
 */
function pruneDirectoryAuth(doc: ConfigDocument): void {
  const auth = getKey(doc, 'directory.auth');
  if (!auth || typeof auth !== 'object') return;
  const a = auth as Record<string, unknown>;
  if (a.type === 'kerberos') {
    for (const k of Object.keys(a)) if (!['type', 'keytab', 'principal', 'krb5Config'].includes(k) || a[k] === null) delete a[k];
    setKey(doc, 'directory.bindDn', null);
    setKey(doc, 'directory.password', null);
  } else if (a.type === 'simple') {
    setKey(doc, 'directory.auth', null);
  }
}

/**
 * A certificate is named by its file or by its thumbprint in the Windows store, never both: setting one drops the
 * other (and a thumbprint drops the file's password reference). `settings` are the keys just set.
 */
export function pruneCertificateSource(doc: ConfigDocument, settings: Record<string, unknown> | undefined): void {
  const set = (key: string) => {
    const v = settings?.[key] ?? settings?.[`config.${key}`];
    return v !== undefined && v !== null;
  };
  if (getKey(doc, 'tenant.auth.type') !== 'certificate') return;
  if (set('tenant.auth.certificateThumbprint')) {
    setKey(doc, 'tenant.auth.certificatePath', null);
    setKey(doc, 'tenant.auth.certificatePassword', null);
  } else if (set('tenant.auth.certificatePath')) {
    setKey(doc, 'tenant.auth.certificateThumbprint', null);
  }
}

/** `OU=Groups,DC=contoso,DC=com` → `DC=contoso,DC=com` (the domain part of a DN), or undefined. */
export function domainOf(dn: string): string | undefined {
  const m = /(?:^|,)\s*(DC=[^,]+(?:\s*,\s*DC=[^,]+)*)\s*$/i.exec(dn);
  return m ? m[1].replace(/\s*,\s*/g, ',') : undefined;
}

/** Plain deep copy of JSON data. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Stable text of a JSON value, for change lists. */
export function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Fill in what an admin may leave out: a bare DC name in directory.urls means LDAPS on it; a thumbprint copied
 * with spaces, colons or the invisible left-to-right mark certmgr adds is written as 40 upper-case hex digits.
 */
export function normalizeDocument(doc: ConfigDocument): void {
  const thumbprint = getKey(doc, 'tenant.auth.certificateThumbprint');
  if (typeof thumbprint === 'string') setKey(doc, 'tenant.auth.certificateThumbprint', thumbprint.replace(/[\s:\u200e\u200f]/g, '').toUpperCase());
  const urls = getKey(doc, 'directory.urls');
  if (typeof urls === 'string') setKey(doc, 'directory.urls', [urls]);
  const list = getKey(doc, 'directory.urls');
  if (Array.isArray(list)) {
    setKey(doc, 'directory.urls', list.map((u) => (typeof u === 'string' && u.length > 0 && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? `ldaps://${u}` : u)));
  }
}
