/**
 * `config.scope` (Add-/Remove-GroupWritebackScope): select or unselect groups by object id in a configuration
 * whose scope mode is "selected". Reports one row per group; writes the file once, atomically.
 */
import { defineOperation } from '../core/operation';
import { ConfigError, GwbError } from '../core/errors';
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
  async run(params, { sink }) {
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
  },
});
