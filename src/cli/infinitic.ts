#!/usr/bin/env node
/**
 * `infinitic` — the kit's CLI. One module per verb under ./commands; each handler parses flags,
 * calls one function of the kit or the runtime, and prints.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.ts';
import { CliError, EXIT, runCli } from './run-cli.ts';

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('infinitic')
    .usage(
      '$0 <command> [options]\n\nDevelop, configure and promote Infinitic workers written in TypeScript.',
    )
    .command(commands)
    .option('verbose', { type: 'boolean', describe: 'Print stack traces of unexpected errors', global: true })
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      if (error) throw error;
      throw new CliError(`${message}\nRun 'infinitic --help' for usage.`, EXIT.usage, 'INF_USAGE');
    });
}

runCli(() => buildCli(hideBin(process.argv)).parseAsync());
