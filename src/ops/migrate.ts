/**
 * Migration from Entra Connect Sync group writeback v2 (issue 9, spec §9): `migrate-plan`
 * (Get-GroupWritebackMigration), `migrate-apply` (Start-GroupWritebackMigration), `migrate-verify`
 * (Test-GroupWritebackMigration, Microsoft's "check script") and `migrate-undo` (Start-GroupWritebackMigration -Undo).
 *
 * The Connect OU usually lies outside what the service account may write (Microsoft's step 1 "needs domain
 * admin"): the verbs bind as `bindDn` when given (an account allowed to write there; its password handed over as
 * the 'migration.password' secret, or read from the environment variable `passwordEnv` by the CLI), else as the
 * job's own directory account.
 */
import { loadConfig } from '../config/load';
import type { ResolvedConfig } from '../config/types';
import { UsageError } from '../core/errors';
import { defineOperation, ExitCode, type OperationContext } from '../core/operation';
import { LdapTarget } from '../directory';
import { parseDn } from '../directory/dn';
import { ldapTargetOptionsOf } from '../doctor/connections';
import { openSource } from '../engine/connect';
import { countActions, type MigrationGroup } from '../migration/classify';
import { planConfigChanges, type ConfigChange } from '../migration/config-change';
import { discover } from '../migration/discover';
import { stampGroups } from '../migration/apply';
import { journalPath, MigrationJournal } from '../migration/journal';
import { undoStamps } from '../migration/undo';
import { assertValidDocument, getKey, readConfigDocument, requireConfigPath, setKey, writeConfigDocument } from './config-file';
import { withLockedStore, type ConfigParams } from './engine-support';

export const MIGRATION_GROUP_TYPE = 'GroupWriteback.MigrationGroup';
export const MIGRATION_CONFIG_CHANGE_TYPE = 'GroupWriteback.MigrationConfigChange';
export const MIGRATION_RESULT_TYPE = 'GroupWriteback.MigrationResult';
export const MIGRATION_CHECK_TYPE = 'GroupWriteback.MigrationCheck';
export const MIGRATION_UNDO_TYPE = 'GroupWriteback.MigrationUndo';

/** Hand-over key of the migration account's password (module: -Credential). */
export const MIGRATION_PASSWORD_SECRET = 'migration.password';

export interface MigrateParams extends ConfigParams {
  /** Where Connect wrote the groups (its OU); every group below it with adminDescription Group_… is considered. */
  searchBase?: string;
  /** Bind as this account (DN, UPN or DOMAIN\user) instead of the job's directory account. */
  bindDn?: string;
  /** CLI: the environment variable holding bindDn's password. */
  passwordEnv?: string;
}

export interface MigratePlanParams extends MigrateParams {
  /** Only eligible groups. */
  eligibleOnly?: boolean;
  /** Also report the configuration changes apply would make (-WhatIf). */
  includeConfig?: boolean;
  keepCnFormat?: boolean;
}

export interface MigrateApplyParams extends MigrateParams {
  keepCnFormat?: boolean;
  batchSize?: number;
}

export interface MigrateVerifyParams extends MigrateParams {
  /** Exit 3 when an eligible group is not stamped yet (or carries another value). */
  failOnDifference?: boolean;
  /** Also list the groups whose values agree. */
  all?: boolean;
}

export interface MigrateUndoParams extends MigrateParams {
  /** Report what would be undone, write nothing. */
  whatIf?: boolean;
}

function migrationPassword(params: MigrateParams, ctx: OperationContext): string {
  const handed = ctx.secrets[MIGRATION_PASSWORD_SECRET];
  if (handed) return handed;
  const env = params.passwordEnv ? process.env[params.passwordEnv] : undefined;
  if (env) return env;
  throw new UsageError(`No password was given for ${params.bindDn}.`, {
    code: 'MigrationPasswordMissing',
    target: params.bindDn,
    hint: 'PowerShell: pass -Credential. CLI: --password-env NAME with the password in that environment variable (never on the command line).',
  });
}

function loadFor(params: MigrateParams, ctx: OperationContext, graph: boolean): ResolvedConfig {
  const path = requireConfigPath(params.configPath);
  const parts: ('tenant' | 'directory')[] = [];
  if (graph) parts.push('tenant');
  if (!params.bindDn) parts.push('directory');
  return loadConfig(path, { secrets: ctx.secrets, secretsFor: parts });
}

function requireSearchBase(params: MigrateParams): string {
  const base = params.searchBase?.trim();
  if (!base) {
    throw new UsageError('No search base was given.', { code: 'SearchBaseMissing', target: 'searchBase', hint: "Pass the OU Entra Connect writes groups to, e.g. -SearchBase 'OU=Connect Groups,DC=contoso,DC=com'." });
  }
  try {
    parseDn(base);
  } catch (err) {
    throw new UsageError(`The search base '${base}' is not a DN: ${(err as Error).message}`, { code: 'SearchBaseInvalid', target: base, hint: "Give a DN such as 'OU=Connect Groups,DC=contoso,DC=com'." });
  }
  return base;
}

function openDirectory(config: ResolvedConfig, params: MigrateParams, ctx: OperationContext, searchBase?: string): LdapTarget {
  const base = ldapTargetOptionsOf(config);
  return new LdapTarget({
    ...base,
    ...(params.bindDn ? { bindDn: params.bindDn, password: migrationPassword(params, ctx) } : {}),
    ...(searchBase ? { searchBase } : {}),
    connections: 2,
  });
}

async function withDiscovery<T>(config: ResolvedConfig, params: MigrateParams, ctx: OperationContext, fn: (groups: MigrationGroup[], dir: LdapTarget, searchBase: string) => Promise<T>): Promise<T> {
  const searchBase = requireSearchBase(params);
  const source = openSource(config, ctx.sink);
  const dir = openDirectory(config, params, ctx, searchBase);
  try {
    await dir.checkConnection();
    const groups = await discover({ config, source, directory: dir, sink: ctx.sink, signal: ctx.signal });
    return await fn(groups, dir, searchBase);
  } finally {
    await Promise.allSettled([dir.close(), source.close?.() ?? Promise.resolve()]);
  }
}

function summaryLine(groups: readonly MigrationGroup[]): string {
  const c = countActions(groups);
  return `${groups.length} Connect-written group(s): ${c.adopt} to adopt, ${c.alreadyAnchored} already anchored, ${c.leaveM365} Microsoft 365 (left), ` +
    `${c.leaveCloudGroupGone} cloud group gone (left), ${c.leaveNotEligible} not eligible (left), ${c.conflictDuplicate} duplicate (conflict), ${c.conflictAnchoredElsewhere} anchored elsewhere (conflict).`;
}

export const migratePlanOp = defineOperation<MigratePlanParams>({
  name: 'migrate-plan',
  summary: 'Discover the groups Entra Connect group writeback v2 wrote under a search base: cloud group, eligibility, planned action and why. Writes nothing.',
  output: 'list',
  async run(params, ctx) {
    const config = loadFor(params, ctx, true);
    await withDiscovery(config, params, ctx, async (groups, _dir, searchBase) => {
      for (const g of groups) if (!params.eligibleOnly || g.eligible) ctx.sink.result(MIGRATION_GROUP_TYPE, g);
      if (params.includeConfig && groups.some((g) => g.eligible)) {
        const planned = planConfigChanges(config, searchBase, groups, !!params.keepCnFormat);
        for (const c of planned.changes) ctx.sink.result(MIGRATION_CONFIG_CHANGE_TYPE, { configPath: config.configPath, ...c });
        ctx.sink.info(`CN: ${planned.cnNote}.`);
      }
      ctx.sink.info(summaryLine(groups));
    });
  },
});

/** Write the configuration changes, journaling each before the file is written. */
function writeConfigChanges(configPath: string, changes: readonly ConfigChange[], journal: MigrationJournal, runId: string): void {
  if (changes.length === 0) return;
  const doc = readConfigDocument(configPath);
  for (const c of changes) setKey(doc, c.key, c.after);
  assertValidDocument(doc, configPath);
  for (const c of changes) journal.append({ runId, op: 'config', key: c.key, before: c.before ?? null, after: c.after });
  writeConfigDocument(configPath, doc);
}

export const migrateApplyOp = defineOperation<MigrateApplyParams>({
  name: 'migrate-apply',
  summary: 'Adopt the eligible Connect-written groups in place: stamp msDS-ExternalDirectoryObjectId from adminDescription (journaled, resumable), and point the job at them.',
  output: 'single',
  async run(params, ctx) {
    const config = loadFor(params, ctx, true);
    const journal = new MigrationJournal(journalPath(config.state.path));
    return withLockedStore(config, ctx, 'migrate-apply', (store) =>
      withDiscovery(config, params, ctx, async (groups, dir, searchBase) => {
        ctx.sink.info(summaryLine(groups));
        const stamps = await stampGroups({ groups, directory: dir, journal, sink: ctx.sink, signal: ctx.signal, ...(params.batchSize ? { batchSize: params.batchSize } : {}) });
        const eligible = groups.filter((g) => g.eligible);
        const planned = eligible.length ? planConfigChanges(config, searchBase, groups, !!params.keepCnFormat) : { changes: [], cnNote: 'no eligible group' };
        writeConfigChanges(config.configPath, planned.changes, journal, stamps.runId);
        if (stamps.stamped.length || planned.changes.length) {
          store.doc.fullCycleRequested = 'groups adopted from Entra Connect group writeback (migration)';
          await store.save();
        }
        const counts = countActions(groups);
        ctx.sink.result(MIGRATION_RESULT_TYPE, {
          searchBase,
          discovered: groups.length,
          eligible: eligible.length,
          stamped: stamps.stamped.length,
          alreadyAnchored: counts.alreadyAnchored + stamps.skipped.filter((s) => s.reason === 'already stamped').length,
          left: counts.leaveM365 + counts.leaveCloudGroupGone + counts.leaveNotEligible,
          conflicts: counts.conflictDuplicate + counts.conflictAnchoredElsewhere,
          failed: stamps.failed,
          skipped: stamps.skipped,
          configChanges: planned.changes.map((c) => ({ key: c.key, reason: c.reason })),
          cnNote: planned.cnNote,
          journal: journal.path,
          nextStep: stamps.failed.length
            ? 'Some groups could not be stamped (see failed): fix the cause (rights on the OU?) and run the migration again; stamped groups are kept.'
            : 'Run Start-GroupProvisioning (a full cycle), then Test-GroupWritebackMigration; Start-GroupWritebackMigration -Undo removes these stamps again.',
        });
        return stamps.failed.length ? ExitCode.PartialFailure : ExitCode.Ok;
      }),
    );
  },
});

export const migrateVerifyOp = defineOperation<MigrateVerifyParams>({
  name: 'migrate-verify',
  summary: "Microsoft's check script: every Connect-written group whose msDS-ExternalDirectoryObjectId differs from its adminDescription, and whether that is expected.",
  output: 'list',
  async run(params, ctx) {
    const config = loadFor(params, ctx, true);
    let unexpected = 0;
    let differ = 0;
    await withDiscovery(config, params, ctx, async (groups) => {
      for (const g of groups) {
        const same = (g.anchor ?? '').toLowerCase() === g.adminDescription.toLowerCase();
        if (!same) differ++;
        const expected = same || (g.action !== 'adopt' && !g.eligible);
        if (!expected) unexpected++;
        if (same && !params.all) continue;
        ctx.sink.result(MIGRATION_CHECK_TYPE, {
          dn: g.dn, objectGuid: g.objectGuid, adminDescription: g.adminDescription, anchor: g.anchor, cloudId: g.cloudId, cloudDisplayName: g.cloudDisplayName,
          match: same, expected, action: g.action,
          reason: same ? 'msDS-ExternalDirectoryObjectId equals adminDescription' : expected ? `left on purpose: ${g.reason}` : 'eligible but not stamped yet: run Start-GroupWritebackMigration',
        });
      }
      ctx.sink.info(`${groups.length} Connect-written group(s): ${groups.length - differ} stamped, ${differ} differ (${unexpected} unexpected).`);
    });
    return unexpected > 0 && params.failOnDifference ? ExitCode.PartialFailure : ExitCode.Ok;
  },
});

export const migrateUndoOp = defineOperation<MigrateUndoParams>({
  name: 'migrate-undo',
  summary: 'Remove exactly the msDS-ExternalDirectoryObjectId stamps migrations wrote (per the journal) and restore the configuration keys they changed.',
  output: 'single',
  async run(params, ctx) {
    const config = loadFor(params, ctx, false);
    const journal = new MigrationJournal(journalPath(config.state.path));
    return withLockedStore(config, ctx, 'migrate-undo', async (store) => {
      const dir = openDirectory(config, params, ctx);
      let result;
      try {
        await dir.checkConnection();
        result = await undoStamps({ journal, directory: dir, sink: ctx.sink, whatIf: !!params.whatIf });
      } finally {
        await dir.close();
      }
      const restored: { key: string; value: unknown }[] = [];
      const leftConfig: { key: string; reason: string }[] = [];
      if (result.config.length) {
        const doc = readConfigDocument(config.configPath);
        for (const c of result.config) {
          const now = getKey(doc, c.key!);
          if (JSON.stringify(now) !== JSON.stringify(c.after)) {
            leftConfig.push({ key: c.key!, reason: 'changed since the migration wrote it: left as it is' });
            continue;
          }
          setKey(doc, c.key!, c.before ?? undefined);
          restored.push({ key: c.key!, value: c.before ?? null });
        }
        if (!params.whatIf && restored.length) {
          assertValidDocument(doc, config.configPath);
          for (const r of restored) journal.append({ runId: result.runId, op: 'configRestored', key: r.key, before: null, after: r.value });
          writeConfigDocument(config.configPath, doc);
        }
      }
      if (!params.whatIf && (result.unstamped.length || restored.length)) {
        store.doc.fullCycleRequested = 'migration undone';
        await store.save();
      }
      ctx.sink.result(MIGRATION_UNDO_TYPE, { whatIf: !!params.whatIf, unstamped: result.unstamped, left: result.left, failed: result.failed, configRestored: restored, configLeft: leftConfig, journal: journal.path });
      ctx.sink.info(`${params.whatIf ? 'Would remove' : 'Removed'} ${result.unstamped.length} stamp(s); ${result.left.length} left, ${result.failed.length} failed; ${restored.length} configuration key(s) ${params.whatIf ? 'to restore' : 'restored'}.`);
      return result.failed.length ? ExitCode.PartialFailure : ExitCode.Ok;
    });
  },
});
