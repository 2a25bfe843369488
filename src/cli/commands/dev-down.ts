/** `infinitic dev down [-v]`: remove everything labelled for the project (-v: volumes too). */
import type { Argv, CommandModule } from 'yargs';
import { type DevArgs, modelFromArgs, printJson, withDevOptions } from './dev-options.ts';

interface DownArgs extends DevArgs {
  volumes?: boolean;
}

export const devDownCommand: CommandModule<object, DownArgs> = {
  command: 'down',
  describe: "Remove the stack's containers and network (-v: also its volumes)",
  builder: (yargs: Argv<object>) =>
    withDevOptions(yargs).option('volumes', {
      alias: 'v',
      type: 'boolean',
      describe: 'Also remove volumes',
    }) as Argv<DownArgs>,
  handler: async (args) => {
    const { down } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args, { worker: false });
    const result = await down(model.project, { volumes: args.volumes });
    if (args.json) printJson(result);
    else
      process.stdout.write(
        `removed ${result.containers} container(s), ${result.networks} network(s), ${result.volumes} volume(s)\n`,
      );
  },
};
