import { Command, Option } from 'commander';
import { runCliOperation } from '../run-operation';

/**
 * The provisioning verbs: scope, plan, run, on-demand, verify, status, log, approve-deletes, reset. Each takes
 * --config (or $GROUPWRITEBACK_CONFIG) and --json. Secrets come from the references in the configuration
 * ({"env": NAME} / {"file": PATH}), never from argv.
 */
export function registerEngineCommands(program: Command, setExit: (code: number) => void): void {
  const configOption = () => new Option('-c, --config <file>', 'the configuration file').env('GROUPWRITEBACK_CONFIG').makeOptionMandatory();
  const common = (cmd: Command) => cmd.addOption(configOption()).option('--json', 'print JSON').option('-v, --verbose', 'show verbose messages').option('-q, --quiet', 'print results only');
  const run = (op: string, params: Record<string, unknown>, o: { config: string; json?: boolean; verbose?: boolean; quiet?: boolean }) =>
    runCliOperation(op, { configPath: o.config, ...params }, o).then(setExit);

  common(program.command('scope').description('List the cloud groups with whether they are in scope, and why.'))
    .option('--in-scope', 'only groups in scope')
    .option('--out-of-scope', 'only groups out of scope')
    .action((o) => run('scope', { inScopeOnly: !!o.inScope, outOfScopeOnly: !!o.outOfScope }, o));

  common(program.command('plan').description('Show what the next run would change, without writing anything.'))
    .option('--full', 'plan a full cycle (re-read everything, reconcile drift)')
    .option('--no-skips', 'leave out the skipped groups and members')
    .action((o) => run('plan', { full: !!o.full, noSkips: o.skips === false }, o));

  common(program.command('run').description('Run one provisioning cycle (delta; --full reads everything and reverts drift). Exit 3: some objects failed; 4: deletes held.'))
    .option('--full', 'run a full cycle')
    .action((o) => run('run', { full: !!o.full }, o));

  common(program.command('watch').description('Run delta cycles every few seconds until stopped (Ctrl+C / SIGTERM); rides out DC and Graph outages.'))
    .option('-i, --interval <seconds>', 'seconds between delta cycles (default 5)', (v) => Number.parseFloat(v))
    .option('--max-cycles <n>', 'stop after N cycles', (v) => Number.parseInt(v, 10))
    .option('--log-output', 'also print every provisioning log entry')
    .action((o) => run('watch', { ...(o.interval !== undefined ? { intervalSeconds: o.interval } : {}), ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}), ...(o.logOutput ? { streamLog: true } : {}) }, o));

  common(program.command('on-demand').description('Provision one group now (and up to 5 named members), step by step.'))
    .requiredOption('-g, --group <id>', 'object id of the cloud group')
    .option('-m, --member <id...>', 'object ids of members to add/remove now (at most 5)')
    .option('--what-if', 'show the steps without writing')
    .action((o) => run('on-demand', { groupId: o.group, ...(o.member ? { memberIds: o.member } : {}), whatIf: !!o.whatIf }, o));

  common(program.command('verify').description('Compare AD with Entra ID and report every difference (drift).'))
    .option('--fail-on-drift', 'exit 3 when drift is found')
    .action((o) => run('verify', { failOnDrift: !!o.failOnDrift }, o));

  common(program.command('access').description("One user's access to each in-scope group: Entra ID (direct / access package), AD, when written, and whether the user's Kerberos ticket has it yet."))
    .requiredOption('-u, --user <upn|id>', 'the user (userPrincipalName or object id)')
    .option('-g, --group <id|name...>', 'only these groups (object ids or display names)')
    .option('--ccache <file>', "the user's Kerberos credential cache (default: judge by the user's lastLogon at the DC)")
    .action((o) => run('access', { user: o.user, ...(o.group ? { groups: o.group } : {}), ...(o.ccache ? { ccache: o.ccache } : {}) }, o));

  common(program.command('status').description('Show the job state: last runs, held deletes, quarantine, failed objects.')).action((o) => run('status', {}, o));

  common(program.command('log').description('Query the provisioning log.'))
    .option('--cycle <id>', 'one cycle')
    .option('--group <id>', 'one cloud group (and its members)')
    .option('--action <list>', 'create,update,rename,move,match,memberAdd,memberRemove,delete,empty,convert,release,held,skip,drift,error,cycle')
    .option('--result <list>', 'success,failure,skipped,held,warning')
    .option('--after <time>', 'entries at or after this ISO time')
    .option('--before <time>', 'entries before this ISO time')
    .option('--last <n>', 'only the last N entries', (v) => Number.parseInt(v, 10))
    .action((o) =>
      run(
        'log',
        {
          ...(o.cycle ? { cycleId: o.cycle } : {}),
          ...(o.group ? { groupId: o.group } : {}),
          ...(o.action ? { action: o.action } : {}),
          ...(o.result ? { result: o.result } : {}),
          ...(o.after ? { after: o.after } : {}),
          ...(o.before ? { before: o.before } : {}),
          ...(o.last !== undefined ? { last: o.last } : {}),
        },
        o,
      ),
    );

  common(program.command('approve-deletes').description('Approve the deletes held by the threshold; the next run applies exactly those.'))
    .option('-b, --batch <id>', 'the held batch (required when several are held)')
    .action((o) => run('approve-deletes', o.batch ? { batchId: o.batch } : {}, o));

  common(program.command('reset').description('Clear the quarantine after fixing its cause.'))
    .option('--full', 'make the next cycle a full one')
    .option('--clear-failed', 'forget the failed objects')
    .action((o) => run('reset', { full: !!o.full, clearFailed: !!o.clearFailed }, o));
}
