/**
 * Validation of the configuration document against the published JSON Schema (ajv, draft 2020-12), with
 * errors that name the key: `config.scope.filters[0][1].operator: must be one of EQUALS, …`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import schema from './groupwriteback.schema.json';
import { compileConfigValidator } from './compile-validator';
import { SCOPE_OPERATORS, UNARY_OPERATORS, type ConfigFile } from './types';

export { schema as configSchema };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= compileConfigValidator();
  return compiled;
}

/** `/scope/filters/0/1/operator` → `config.scope.filters[0][1].operator`. */
export function keyPath(pointer: string, extra?: string): string {
  let out = 'config';
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out;
}

export interface ConfigProblem {
  key: string;
  message: string;
}

/** Certificate sign-in names its certificate one of two ways (the schema's nested oneOf). */
const CERTIFICATE_SOURCES = ['certificatePath', 'certificateThumbprint'];
const CERTIFICATE_AUTH_POINTER = '/tenant/auth';

function describe(e: ErrorObject): ConfigProblem | undefined {
  const p = e.params as Record<string, any>;
  const certificateSource = e.instancePath === CERTIFICATE_AUTH_POINTER && /\/oneOf\/\d+\/oneOf\//.test(e.schemaPath);
  switch (e.keyword) {
    case 'required':
      if (certificateSource && CERTIFICATE_SOURCES.includes(p.missingProperty)) {
        return {
          key: keyPath(e.instancePath, 'certificatePath'),
          message: 'or certificateThumbprint is required for certificate authentication (a PEM/PFX file, or the thumbprint of a certificate in the Windows store)',
        };
      }
      return { key: keyPath(e.instancePath, p.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { key: keyPath(e.instancePath, p.additionalProperty), message: 'is not a known setting (check the spelling; see docs/configuration.md)' };
    case 'enum':
      return { key: keyPath(e.instancePath), message: `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { key: keyPath(e.instancePath), message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'discriminator':
      return p.error === 'mapping'
        ? { key: keyPath(e.instancePath, p.tag), message: 'must be one of clientSecret, certificate, managedIdentity' }
        : { key: keyPath(e.instancePath, p.tag), message: 'is required (clientSecret, certificate or managedIdentity)' };
    case 'oneOf':
      if (e.instancePath === CERTIFICATE_AUTH_POINTER && Array.isArray(p.passingSchemas)) {
        return { key: keyPath(e.instancePath, 'certificateThumbprint'), message: 'cannot be combined with certificatePath: name the certificate by its file or by its thumbprint in the Windows store, not both' };
      }
      return undefined; // the branch's own error says more
    case 'if':
      return undefined;
    case 'minProperties':
    case 'maxProperties':
      return { key: keyPath(e.instancePath), message: 'must be exactly one of {"env": "NAME"} or {"file": "PATH"}' };
    case 'format':
      return { key: keyPath(e.instancePath), message: `must be a valid ${p.format}` };
    case 'pattern':
      if (e.instancePath.endsWith('/certificateThumbprint')) {
        return { key: keyPath(e.instancePath), message: 'must be the 40 hexadecimal digits of a SHA-1 thumbprint (Get-ChildItem Cert:\\CurrentUser\\My shows them)' };
      }
      return { key: keyPath(e.instancePath), message: `has an invalid form (expected pattern ${p.pattern})` };
    default:
      return { key: keyPath(e.instancePath), message: e.message ?? 'is invalid' };
  }
}

/** Paths (JSON pointers) of secret references: a string there is a secret pasted into the file. */
const SECRET_POINTERS = ['/tenant/auth/clientSecret', '/tenant/auth/certificatePassword', '/directory/password'];

function at(doc: unknown, pointer: string): unknown {
  let cur: any = doc;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Every problem found in the document (empty when valid). */
export function validateConfigDocument(doc: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const ptr of SECRET_POINTERS) {
    if (typeof at(doc, ptr) === 'string') {
      problems.push({ key: keyPath(ptr), message: 'must be a reference {"env": "NAME"} or {"file": "PATH"}, never the secret itself (or let the PowerShell module hand it over)' });
    }
  }
  // directory.auth decides which of bindDn/password belong (the schema alone would give unreadable messages).
  const dir = at(doc, '/directory');
  if (dir && typeof dir === 'object' && !Array.isArray(dir)) {
    if (at(doc, '/directory/auth/type') === 'kerberos') {
      for (const k of ['password', 'bindDn']) {
        if (k in dir) problems.push({ key: `directory.${k}`, message: 'must not be set with directory.auth kerberos: the identity comes from the Kerberos ticket (keytab, ticket cache or the process identity), there is no password' });
      }
    } else if (!('bindDn' in dir)) {
      problems.push({ key: 'directory.bindDn', message: 'is required (the account to bind as), unless directory.auth is {"type": "kerberos"}' });
    }
  }
  if (problems.length) return problems;
  const validate = validator();
  if (!validate(doc)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const d = describe(e);
      if (!d) continue;
      const id = `${d.key}: ${d.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        problems.push(d);
      }
    }
    if (problems.length === 0) problems.push({ key: 'config', message: 'does not match the schema' });
    return problems;
  }
  return semanticProblems(doc as ConfigFile);
}

/** Rules the schema cannot say (or says badly): operator/value pairs, regexes, ids per auth type. */
function semanticProblems(cfg: ConfigFile): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  (cfg.scope?.filters ?? []).forEach((filter, i) =>
    filter.forEach((clause, j) => {
      const key = `config.scope.filters[${i}][${j}]`;
      const unary = UNARY_OPERATORS.includes(clause.operator);
      if (!SCOPE_OPERATORS.includes(clause.operator)) return;
      if (unary && clause.value !== undefined) out.push({ key: `${key}.value`, message: `must be absent for ${clause.operator}` });
      if (!unary && clause.value === undefined) out.push({ key: `${key}.value`, message: `is required for ${clause.operator}` });
      if ((clause.operator === 'REGEX MATCH' || clause.operator === 'NOT REGEX MATCH') && clause.value !== undefined) {
        try {
          new RegExp(String(clause.value));
        } catch (err) {
          out.push({ key: `${key}.value`, message: `is not a valid regular expression (${(err as Error).message})` });
        }
      }
      if ((clause.operator === 'GREATER_THAN' || clause.operator === 'GREATER_THAN_OR_EQUALS') && clause.value !== undefined && !/^-?\d+$/.test(String(clause.value))) {
        out.push({ key: `${key}.value`, message: `must be an integer for ${clause.operator}` });
      }
    }),
  );
  const auth = cfg.tenant.auth;
  if ((auth.type === 'clientSecret' || auth.type === 'certificate') && !cfg.tenant.clientId) {
    out.push({ key: 'config.tenant.clientId', message: `is required for ${auth.type} authentication` });
  }
  if (auth.type === 'certificate' && auth.certificateThumbprint !== undefined && auth.certificatePassword !== undefined) {
    out.push({ key: 'config.tenant.auth.certificatePassword', message: 'only applies to a certificate file (certificatePath); a certificate from the Windows store needs no password' });
  }
  if (cfg.scope?.mode === 'all' && cfg.scope.groupIds?.length) {
    out.push({ key: 'config.scope.groupIds', message: 'only applies to mode "selected" (remove it, or set config.scope.mode to "selected")' });
  }
  return out;
}
