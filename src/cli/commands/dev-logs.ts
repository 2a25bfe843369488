/** `infinitic dev logs [-f] [service|replica]`: demultiplexed logs with a coloured prefix per replica. */
import type { Argv, CommandModule } from 'yargs';
import { type DevArgs, modelFromArgs, withDevOptions } from './dev-options.ts';

interface LogsArgs extends DevArgs {
  target?: string;
  follow?: boolean;
  tail?: number;
}

export const devLogsCommand: CommandModule<object, LogsArgs> = {
  command: 'logs [target]',
  describe: 'Print logs of every container, a service (worker) or a replica (worker-2)',
  builder: (yargs: Argv<object>) =>
    withDevOptions(yargs)
      .positional('target', { type: 'string', describe: 'Service or replica' })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'Keep following new lines' })
      .option('tail', {
        type: 'number',
        describe: 'Only the last N lines of each container',
      }) as Argv<LogsArgs>,
  handler: async (args) => {
    const { logs } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args, { worker: false });
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await logs(model.project, {
      target: args.target,
      follow: args.follow,
      tail: args.tail,
      colour: process.stdout.isTTY,
      signal: abort.signal,
    });
  },
};
