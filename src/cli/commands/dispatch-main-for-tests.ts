/**
 * Runs `infinitic dispatch …` and `infinitic dev …` alone, as the real CLI does (same strictness,
 * error reporting and exit codes), so their tests and scripts/start work before both verbs are
 * registered in ./index.ts.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT, runCli } from '../run-cli.ts';
import { devCommand } from './dev.ts';
import { dispatchCommand } from './dispatch.ts';

runCli(async () =>
  yargs(hideBin(process.argv))
    .scriptName('infinitic')
    .command(dispatchCommand)
    .command(devCommand)
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
