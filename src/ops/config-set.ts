/**
 * `config.set` (Set-GroupWritebackConfiguration): change settings by dotted key (null removes one), validate the
 * whole file, write it atomically, and report each change. `dryRun` reports without writing (-WhatIf).
 */
import { defineOperation } from '../core/operation';
import {
  applySecretRefs, assertValidDocument, clone, getKey, normalizeDocument, pruneAuth, pruneCertificateSource, readConfigDocument, requireConfigPath, setKey,
  show, writeConfigDocument, type ConfigDocument,
} from './config-file';
import { orderDocument } from './config-new';

export const CONFIGURATION_CHANGE_TYPE = 'GroupWriteback.ConfigurationChange';

export interface ConfigSetParams {
  configPath: string;
  /** Settings by dotted key; null removes the key (its default applies again). */
  settings?: Record<string, unknown>;
  /** Secret references by hand-over key ('env:NAME' | 'file:PATH'; null or '' removes the reference). */
  secretRefs?: Record<string, unknown>;
  dryRun?: boolean;
}

export interface ConfigurationChange {
  path: string;
  setting: string;
  oldValue: string | null;
  newValue: string | null;
}

/** Every leaf key whose value differs between two documents (objects compared key by key, arrays as a whole). */
export function diffDocuments(before: unknown, after: unknown, prefix = ''): { key: string; oldValue: unknown; newValue: unknown }[] {
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) || isObj(after)) {
    const b = (isObj(before) ? before : {}) as Record<string, unknown>;
    const a = (isObj(after) ? after : {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.flatMap((k) => diffDocuments(b[k], a[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: prefix, oldValue: before, newValue: after }];
}

export function applySettings(doc: ConfigDocument, params: Pick<ConfigSetParams, 'settings' | 'secretRefs'>): ConfigDocument {
  const next = clone(doc);
  for (const [key, value] of Object.entries(params.settings ?? {})) setKey(next, key, value);
  normalizeDocument(next);
  pruneAuth(next);
  pruneCertificateSource(next, params.settings);
  applySecretRefs(next, params.secretRefs);
  return orderDocument(next);
}

export const configSetOp = defineOperation<ConfigSetParams>({
  name: 'config.set',
  summary: 'Change settings of a configuration file (validated; reports each change).',
  output: 'list',
  async run(params, { sink }) {
    const path = requireConfigPath(params.configPath);
    const before = readConfigDocument(path);
    const after = applySettings(before, params);
    const changes = diffDocuments(before, after).filter((c) => c.key !== '$schema' || getKey(after, '$schema') !== undefined);
    if (changes.length === 0) {
      sink.verbose(`No setting of ${path} changes.`);
      return;
    }
    assertValidDocument(after, path);
    if (!params.dryRun) {
      writeConfigDocument(path, after);
      sink.verbose(`Wrote ${changes.length} change(s) to ${path}.`);
    }
    for (const c of changes) {
      const change: ConfigurationChange = { path, setting: c.key, oldValue: show(c.oldValue), newValue: show(c.newValue) };
      sink.result(CONFIGURATION_CHANGE_TYPE, change);
    }
  },
});
