import { Command } from 'commander';
import { runCliOperation } from '../run-operation';

/** `key=value` → [key, value]; the value is read as JSON when it parses (numbers, true/false, null, arrays), else as text. */
function setting(pair: string, acc: Record<string, unknown>): Record<string, unknown> {
  const i = pair.indexOf('=');
  if (i <= 0) throw new Error(`'${pair}' is not key=value`);
  const key = pair.slice(0, i);
  const raw = pair.slice(i + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    /* plain text */
  }
  return { ...acc, [key]: value };
}

/**
 * `gwb config new|show|set|test|add-group|remove-group`: the configuration file, for cron/systemd users (the
 * PowerShell module has New-/Get-/Set-/Test-GroupWritebackConfiguration and Add-/Remove-GroupWritebackScope).
 * Secrets come from the references in the file ({"env": NAME} / {"file": PATH}), never from argv.
 */
export function registerConfigCommands(program: Command, setExit: (code: number) => void): void {
  const config = program.command('config').description('Create, show, change and check a configuration file.');
  config
    .command('new')
    .description('Create a configuration file from settings (validated; no secret values in it).')
    .requiredOption('-c, --config <file>', 'the file to create')
    .option('-s, --set <key=value>', "a setting by dotted key, repeatable: --set tenant.tenantId=… --set 'directory.urls=[\"ldaps://dc1\"]'", setting, {})
    .option('--secret <key=ref>', "where a secret comes from: --secret directory.password=file:/etc/gwb/ldap-password", setting, {})
    .option('--force', 'overwrite an existing file')
    .option('--dry-run', 'validate and show, write nothing')
    .option('--json', 'print JSON')
    .action(async (o) => setExit(await runCliOperation('config.new', { path: o.config, settings: o.set, secretRefs: o.secret, force: !!o.force, dryRun: !!o.dryRun }, o)));
  config
    .command('show')
    .description('Show the settings in effect (defaults filled in) and where secrets come from.')
    .requiredOption('-c, --config <file>', 'the configuration file')
    .option('--json', 'print JSON')
    .action(async (o) => setExit(await runCliOperation('config.get', { configPath: o.config }, o)));
  config
    .command('set')
    .description('Change settings by dotted key (null removes one); validated before writing.')
    .requiredOption('-c, --config <file>', 'the configuration file')
    .argument('<key=value...>', "settings, e.g. safety.deleteThreshold=50 lifecycle.onScopeExit=delete")
    .option('--dry-run', 'show the changes, write nothing')
    .option('--json', 'print JSON')
    .action(async (pairs: string[], o) => {
      const settings = pairs.reduce((acc, p) => setting(p, acc), {} as Record<string, unknown>);
      setExit(await runCliOperation('config.set', { configPath: o.config, settings, dryRun: !!o.dryRun }, o));
    });
  config
    .command('test')
    .description('Check every prerequisite (Graph, permissions, LDAPS, TLS, bind, schema, OUs, rights); exit 1 if one fails.')
    .requiredOption('-c, --config <file>', 'the configuration file')
    .option('--skip-write-probe', 'do not create/modify/delete a probe group')
    .option('--timeout <seconds>', 'per-check network timeout', (v) => Number(v) * 1000)
    .option('--json', 'print JSON')
    .option('-v, --verbose', 'show verbose messages')
    .action(async (o) =>
      setExit(await runCliOperation('config.test', { configPath: o.config, ...(o.skipWriteProbe ? { skipWriteProbe: true } : {}), ...(o.timeout ? { timeoutMs: o.timeout } : {}) }, o)));
  for (const [verb, key, what] of [['add-group', 'add', 'Select'], ['remove-group', 'remove', 'Unselect']] as const) {
    config
      .command(verb)
      .description(`${what} groups by object id (scope mode "selected").`)
      .requiredOption('-c, --config <file>', 'the configuration file')
      .argument('<groupId...>', 'object ids of Entra ID groups')
      .option('--dry-run', 'show the changes, write nothing')
      .option('--json', 'print JSON')
      .action(async (ids: string[], o) => setExit(await runCliOperation('config.scope', { configPath: o.config, [key]: ids, dryRun: !!o.dryRun }, o)));
  }
}
