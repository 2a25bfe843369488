/**
 * Runs `infinitic promote|doctor` alone, as the real CLI does (same strictness, error reporting and
 * exit codes), so the tests spawn them without depending on the other verbs' registration.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { doctorCommand } from '../../src/cli/commands/doctor.ts';
import { promoteCommand } from '../../src/cli/commands/promote.ts';
import { CliError, EXIT, runCli } from '../../src/cli/run-cli.ts';

runCli(async () =>
  yargs(hideBin(process.argv))
    .scriptName('infinitic')
    .command(promoteCommand)
    .command(doctorCommand)
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
