/** The `gwb` command line: one verb per operation, each with --help and --json. */
import { Command, CommanderError } from 'commander';
import { CORE_VERSION } from '../core/version';
import { registerCommands } from './commands';

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command();
  program
    .name('gwb')
    .description('GroupWriteback: provision Microsoft Entra ID cloud security groups into Active Directory.')
    .version(CORE_VERSION, '-V, --version', 'print the core version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}
