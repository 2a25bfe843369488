/** `infinitic dev status`: containers, replica readiness, Pulsar backlog and consumers per topic. */
import type { Argv, CommandModule } from 'yargs';
import { type DevArgs, modelFromArgs, printJson, withDevOptions } from './dev-options.ts';

export const devStatusCommand: CommandModule<object, DevArgs> = {
  command: 'status',
  describe: 'Show containers, replica readiness and Pulsar topic backlog',
  builder: (yargs: Argv<object>) => withDevOptions(yargs) as Argv<DevArgs>,
  handler: async (args) => {
    const { formatStatus, status } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args, { worker: false });
    const result = await status(model.project, { tenant: model.pulsar });
    if (args.json) printJson(result);
    else process.stdout.write(`${formatStatus(result)}\n`);
  },
};
