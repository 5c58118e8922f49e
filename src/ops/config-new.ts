/**
 * `config.new` (New-GroupWritebackConfiguration): build a configuration file from settings given by dotted key,
 * fill in what can be derived (auth type, base DN from the target container), validate it with the schema and
 * write it atomically (mode 0600). Secret values never go into the file, only references to them.
 */
import { defineOperation } from '../core/operation';
import { ConfigError } from '../core/errors';
import {
  applySecretRefs, assertValidDocument, configExists, domainOf, getKey, normalizeDocument, pruneAuth, pruneCertificateSource, requireConfigPath, SCHEMA_URL,
  setKey, writeConfigDocument, type ConfigDocument,
} from './config-file';
import { CONFIGURATION_TYPE, configurationView } from './config-view';

export interface ConfigNewParams {
  /** Absolute path of the file to create. */
  path: string;
  /** Settings by dotted key, e.g. { 'tenant.tenantId': '…', 'directory.urls': ['ldaps://dc1'] }. */
  settings?: Record<string, unknown>;
  /** Secret references by hand-over key: { 'directory.password': 'env:NAME' | 'file:PATH' }. */
  secretRefs?: Record<string, unknown>;
  /** Overwrite an existing file. */
  force?: boolean;
  /** Validate and return the result without writing. */
  dryRun?: boolean;
}

/** Top-level order of keys in a written file (the schema's order). */
const ORDER = ['$schema', 'name', 'tenant', 'directory', 'scope', 'target', 'mappings', 'membership', 'lifecycle', 'safety', 'state', 'log'];

export function orderDocument(doc: ConfigDocument): ConfigDocument {
  const out: ConfigDocument = {};
  for (const k of ORDER) if (k in doc) out[k] = doc[k];
  for (const k of Object.keys(doc)) if (!(k in out)) out[k] = doc[k];
  return out;
}

export function buildNewDocument(params: ConfigNewParams): ConfigDocument {
  const doc: ConfigDocument = { $schema: SCHEMA_URL };
  for (const [key, value] of Object.entries(params.settings ?? {})) setKey(doc, key, value);
  if (getKey(doc, 'tenant.auth.type') === undefined) setKey(doc, 'tenant.auth.type', 'clientSecret');
  const container = getKey(doc, 'target.container');
  if (getKey(doc, 'directory.baseDn') === undefined && typeof container === 'string') {
    const domain = domainOf(container);
    if (domain) setKey(doc, 'directory.baseDn', domain);
  }
  normalizeDocument(doc);
  pruneAuth(doc);
  pruneCertificateSource(doc, params.settings);
  applySecretRefs(doc, params.secretRefs);
  return orderDocument(doc);
}

export const configNewOp = defineOperation<ConfigNewParams>({
  name: 'config.new',
  summary: 'Create a configuration file from settings (validated against the schema; no secret values).',
  output: 'single',
  async run(params, { sink }) {
    const path = requireConfigPath(params.path, 'path');
    if (configExists(path) && !params.force) {
      throw new ConfigError(`The configuration file ${path} already exists.`, {
        code: 'ConfigExists',
        category: 'ResourceExists',
        target: path,
        hint: 'Change it with Set-GroupWritebackConfiguration, pick another -ConfigPath, or overwrite it with -Force.',
      });
    }
    const doc = buildNewDocument(params);
    assertValidDocument(doc, path);
    if (!params.dryRun) {
      writeConfigDocument(path, doc);
      sink.verbose(`Wrote the configuration ${path}.`);
    }
    sink.result(CONFIGURATION_TYPE, configurationView(path, doc));
  },
});
