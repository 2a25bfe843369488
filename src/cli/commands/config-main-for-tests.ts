/**
 * Runs `infinitic config …` alone, as the real CLI does (same strictness, error reporting and exit
 * codes), so the command's tests spawn it without depending on the other verbs.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT, runCli } from '../run-cli.ts';
import { configCommand } from './config.ts';

runCli(async () =>
  yargs(hideBin(process.argv))
    .scriptName('infinitic')
    .command(configCommand)
    .option('verbose', { type: 'boolean', global: true })
    .demandCommand(1)
    .strict()
    .help()
    .fail((message, error) => {
      if (error) throw error;
      throw new CliError(`${message}\nRun 'infinitic --help' for usage.`, EXIT.usage, 'INF_USAGE');
    })
    .parseAsync(),
);
