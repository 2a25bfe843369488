/**
 * `infinitic dev <up|status|logs|scale|restart|down>`: the local stack (Pulsar, Redis, N worker
 * replicas) on the Docker engine. Handlers parse flags and call src/stack.
 */
import type { Argv, CommandModule } from 'yargs';
import { devDownCommand } from './dev-down.ts';
import { devLogsCommand } from './dev-logs.ts';
import { devRestartCommand } from './dev-restart.ts';
import { devScaleCommand } from './dev-scale.ts';
import { devStatusCommand } from './dev-status.ts';
import { devUpCommand } from './dev-up.ts';

export const devCommand: CommandModule<object, object> = {
  command: 'dev <command>',
  describe: 'Run the local stack: Pulsar, Redis and worker replicas in Docker',
  builder: (yargs: Argv<object>) =>
    yargs
      .command(devUpCommand)
      .command(devStatusCommand)
      .command(devLogsCommand)
      .command(devScaleCommand)
      .command(devRestartCommand)
      .command(devDownCommand)
      .demandCommand(1, 'Name a dev command: up, status, logs, scale, restart or down.'),
  handler: () => {},
};
