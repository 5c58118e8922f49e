import { Command, Option } from 'commander';
import { runCliOperation } from '../run-operation';

/**
 * `gwb migrate plan|apply|verify|undo`: migration from Entra Connect Sync group writeback v2 (docs/migration.md).
 * --bind-dn binds as an account allowed to write the Connect OU; its password comes from the environment variable
 * named by --password-env, never from argv.
 */
export function registerMigrateCommands(program: Command, setExit: (code: number) => void): void {
  const migrate = program.command('migrate').description('Migrate from Entra Connect Sync group writeback v2 without new SIDs (docs/migration.md).');
  const common = (cmd: Command, searchBase = true) => {
    cmd
      .addOption(new Option('-c, --config <file>', 'the configuration file').env('GROUPWRITEBACK_CONFIG').makeOptionMandatory())
      .option('--bind-dn <account>', 'bind as this account (allowed to write the Connect OU) instead of directory.bindDn')
      .option('--password-env <name>', "environment variable holding --bind-dn's password")
      .option('--json', 'print JSON')
      .option('-v, --verbose', 'show verbose messages')
      .option('-q, --quiet', 'print results only');
    if (searchBase) cmd.requiredOption('-b, --search-base <dn>', 'the OU Entra Connect writes groups to');
    return cmd;
  };
  const run = (op: string, params: Record<string, unknown>, o: Record<string, unknown> & { config: string; json?: boolean; verbose?: boolean; quiet?: boolean }) =>
    runCliOperation(
      op,
      {
        configPath: o.config,
        ...(o.searchBase ? { searchBase: o.searchBase } : {}),
        ...(o.bindDn ? { bindDn: o.bindDn } : {}),
        ...(o.passwordEnv ? { passwordEnv: o.passwordEnv } : {}),
        ...params,
      },
      o,
    ).then(setExit);

  common(migrate.command('plan').description('List the Connect-written groups with their cloud group, eligibility, planned action and why (writes nothing).'))
    .option('--eligible', 'only eligible groups')
    .option('--keep-cn-format', 'also show the cn mapping apply would write')
    .action((o) => run('migrate-plan', { eligibleOnly: !!o.eligible, includeConfig: true, keepCnFormat: !!o.keepCnFormat }, o));

  common(migrate.command('apply').description('Stamp msDS-ExternalDirectoryObjectId on the eligible groups (journaled, resumable) and point the job at them. Exit 3: some groups failed.'))
    .option('--keep-cn-format', "keep Connect's CN format (writes the cn mapping)")
    .option('--batch-size <n>', 'groups per batch (default 100)', (v) => Number.parseInt(v, 10))
    .action((o) => run('migrate-apply', { keepCnFormat: !!o.keepCnFormat, ...(o.batchSize ? { batchSize: o.batchSize } : {}) }, o));

  common(migrate.command('verify').description("Microsoft's check script: groups whose msDS-ExternalDirectoryObjectId differs from adminDescription."))
    .option('--all', 'also list the groups that agree')
    .option('--fail-on-difference', 'exit 3 when an eligible group is not stamped')
    .action((o) => run('migrate-verify', { all: !!o.all, failOnDifference: !!o.failOnDifference }, o));

  common(migrate.command('undo').description('Remove exactly the stamps migrations wrote (per the journal) and restore the configuration they changed.'), false)
    .option('--what-if', 'show what would be undone')
    .action((o) => run('migrate-undo', { whatIf: !!o.whatIf }, o));
}
