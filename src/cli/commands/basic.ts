import { Command } from 'commander';
import { runCliOperation } from '../run-operation';
import { serveRpc } from '../../rpc/server';

export function registerBasicCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('version')
    .description('Show the core, protocol and Node.js versions.')
    .option('--json', 'print JSON')
    .action(async (opts) => setExit(await runCliOperation('version', {}, opts)));

  program
    .command('rpc')
    .description('Serve NDJSON requests on stdin/stdout (used by the PowerShell module; see docs/protocol.md).')
    .action(async () => setExit(await serveRpc(process.stdin, process.stdout, { forceExitOnCancel: true })));

  program
    .command('selftest')
    .description('Check the core: emit test events; --fail throw|crash|hang fails on purpose.')
    .option('--fail <mode>', 'fail on purpose: throw, crash or hang')
    .option('--json', 'print JSON')
    .option('-v, --verbose', 'show verbose messages')
    .action(async (opts) => setExit(await runCliOperation('selftest', opts.fail ? { fail: opts.fail } : {}, opts)));
}
