/** `infinitic dev restart [service]`: restart containers and wait for readiness again. */
import type { Argv, CommandModule } from 'yargs';
import { type DevArgs, modelFromArgs, printJson, withDevOptions } from './dev-options.ts';

interface RestartArgs extends DevArgs {
  service?: string;
}

export const devRestartCommand: CommandModule<object, RestartArgs> = {
  command: 'restart [service]',
  describe: 'Restart every container, or one service (pulsar, redis, worker)',
  builder: (yargs: Argv<object>) =>
    withDevOptions(yargs).positional('service', {
      type: 'string',
      choices: ['pulsar', 'redis', 'worker'],
    }) as Argv<RestartArgs>,
  handler: async (args) => {
    const { restart } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args);
    const progress = (message: string) => process.stderr.write(`${message}\n`);
    const restarted = await restart(model, { service: args.service, progress });
    if (args.json) printJson({ restarted });
    else process.stdout.write(`restarted: ${restarted.join(', ') || '(nothing running)'}\n`);
  },
};
