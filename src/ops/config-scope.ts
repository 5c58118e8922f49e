/**
 * `config.scope` (Add-/Remove-GroupWritebackScope): select or unselect groups by object id in a configuration
 * whose scope mode is "selected". Reports one row per group; writes the file once, atomically.
 */
import { defineOperation, type OperationContext } from '../core/operation';
import { ConfigError, GwbError, serializeError } from '../core/errors';
import { surface } from '../core/surface';
import { loadConfig } from '../config/load';
import { openSource } from '../engine/connect';
import { baseExclusion } from '../engine/scope';
import type { CloudGroup } from '../model/cloud';
import type { Source } from '../model/ports';
import { assertValidDocument, clone, getKey, readConfigDocument, requireConfigPath, setKey, writeConfigDocument } from './config-file';

export const SCOPE_CHANGE_TYPE = 'GroupWriteback.ScopeChange';

export interface ConfigScopeParams {
  configPath: string;
  add?: string[];
  remove?: string[];
  dryRun?: boolean;
}

export type ScopeChangeResult = 'Added' | 'AlreadySelected' | 'Removed' | 'NotSelected';

export interface ScopeChange {
  groupId: string;
  change: ScopeChangeResult;
  path: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const configScopeOp = defineOperation<ConfigScopeParams>({
  name: 'config.scope',
  summary: 'Select (add) or unselect (remove) groups by object id in a "selected" scope.',
  output: 'list',
  async run(params, ctx) {
    const { sink } = ctx;
    const path = requireConfigPath(params.configPath);
    const doc = readConfigDocument(path);
    const mode = (getKey(doc, 'scope.mode') as string | undefined) ?? 'selected';
    if (mode !== 'selected') {
      throw new ConfigError(`The scope of ${path} is mode '${mode}': every eligible security group is in scope, none is selected by id.`, {
        code: 'ScopeModeNotSelected',
        category: 'InvalidOperation',
        target: 'config.scope.mode',
        hint: "Switch to selected groups first: Set-GroupWritebackConfiguration -ScopeMode Selected (or narrow mode 'all' with scope filters).",
      });
    }
    const current = ((getKey(doc, 'scope.groupIds') as string[] | undefined) ?? []).map((g) => g.toLowerCase());
    const next = [...current];
    const results: ScopeChange[] = [];
    const valid = (id: string): boolean => {
      if (GUID.test(id)) return true;
      sink.error(new GwbError(`'${id}' is not a group object id (a GUID).`, {
        code: 'InvalidGroupId',
        category: 'InvalidArgument',
        target: id,
        hint: 'Pass the group\'s object id, e.g. from Get-MgGroup or the Entra admin center.',
      }).toJSON());
      return false;
    };
    for (const raw of params.add ?? []) {
      const id = String(raw).trim().toLowerCase();
      if (!valid(id)) continue;
      if (next.includes(id)) results.push({ groupId: id, change: 'AlreadySelected', path });
      else {
        next.push(id);
        results.push({ groupId: id, change: 'Added', path });
      }
    }
    for (const raw of params.remove ?? []) {
      const id = String(raw).trim().toLowerCase();
      if (!valid(id)) continue;
      const i = next.indexOf(id);
      if (i < 0) results.push({ groupId: id, change: 'NotSelected', path });
      else {
        next.splice(i, 1);
        results.push({ groupId: id, change: 'Removed', path });
      }
    }
    const changed = next.length !== current.length || next.some((g, i) => g !== current[i]);
    if (changed) {
      const after = clone(doc);
      setKey(after, 'scope.mode', 'selected');
      setKey(after, 'scope.groupIds', next);
      assertValidDocument(after, path);
      if (!params.dryRun) writeConfigDocument(path, after);
    }
    for (const r of results) sink.result(SCOPE_CHANGE_TYPE, r);
    const added = results.filter((r) => r.change === 'Added' || r.change === 'AlreadySelected').map((r) => r.groupId);
    if (added.length) await warnIneligible(path, added, ctx);
  },
});

/**
 * Selecting an id that is not a group in Entra, or a group that is never provisioned (Microsoft 365, mail-enabled,
 * not security-enabled, synced from AD), selects nothing: say so. Needs Graph; when the tenant cannot be reached
 * (no secret given, no network) one warning says the ids were not checked.
 */
async function warnIneligible(path: string, ids: string[], ctx: OperationContext): Promise<void> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(60_000)]);
  let source: Source | undefined;
  try {
    const config = loadConfig(path, { secrets: ctx.secrets, secretsFor: ['tenant'] });
    source = openSource(config);
    const found = new Map<string, CloudGroup>();
    for (let i = 0; i < ids.length; i += 1000) for (const g of await source.getGroups(ids.slice(i, i + 1000), signal)) found.set(g.id.toLowerCase(), g);
    for (const id of ids) {
      const g = found.get(id);
      if (!g) ctx.sink.warn(`Group ${id} does not exist in Entra ID (or is deleted): it is selected, but nothing will be provisioned for it.`, id);
      else {
        const why = baseExclusion(g);
        if (why) ctx.sink.warn(`Group ${id} ('${g.displayName ?? ''}') is not eligible for provisioning: ${why}. It is selected, but it will not be provisioned.`, id);
      }
    }
  } catch (err) {
    const e = serializeError(err);
    ctx.sink.warn(`The selected group ids were not checked against Entra ID (${e.message})${surface() === 'powershell' ? ' Pass -ClientSecret, -CertificatePassword or -CertificateThumbprint to check them.' : ''}`);
  } finally {
    await (source as (Source & { close?: () => Promise<void> }) | undefined)?.close?.();
  }
}
