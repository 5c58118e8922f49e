import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runCliOperation } from '../run-operation';

/** `gwb expression test --expression EXPR --input JSON [--json]`. `--input @file.json` reads the JSON from a file. */
export function registerExpressionCommands(program: Command, setExit: (code: number) => void): void {
  const expression = program.command('expression').description('Work with attribute-mapping expressions.');
  expression
    .command('test')
    .description('Evaluate a mapping expression against sample attributes (like the portal\'s expression builder).')
    .requiredOption('-e, --expression <expr>', 'the expression, e.g. \'Append("Group_",[objectId])\'')
    .option('-i, --input <json>', 'the source attributes as a JSON object, or @file.json', '{}')
    .option('--now <iso>', 'pin Now() to this date/time (ISO 8601)')
    .option('--json', 'print JSON: {"value": …}')
    .option('-v, --verbose', 'show verbose messages')
    .action(async (opts) => {
      let input: string = opts.input;
      if (input.startsWith('@')) {
        try {
          input = readFileSync(input.slice(1), 'utf8');
        } catch (err) {
          process.stderr.write(`ERROR: Cannot read the input file ${input.slice(1)}: ${(err as Error).message}\n`);
          if (opts.json) process.stdout.write(JSON.stringify({ error: { name: 'UsageError', code: 'InvalidExpressionInput', category: 'InvalidArgument', message: `Cannot read ${input.slice(1)}` } }, null, 2) + '\n');
          setExit(2);
          return;
        }
      }
      const params = { expression: opts.expression, input, ...(opts.now ? { now: opts.now } : {}) };
      setExit(await runCliOperation('expression.test', params, opts));
    });
}
