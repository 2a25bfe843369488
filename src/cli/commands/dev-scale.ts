/** `infinitic dev scale N`: N worker replicas, each waited for until ready. */
import type { Argv, CommandModule } from 'yargs';
import { CliError, EXIT } from '../run-cli.ts';
import { type DevArgs, modelFromArgs, printJson, withDevOptions } from './dev-options.ts';

interface ScaleArgs extends DevArgs {
  replicas: number;
}

export const devScaleCommand: CommandModule<object, ScaleArgs> = {
  command: 'scale <replicas>',
  describe: 'Run N worker replicas (uses the image `dev up` built)',
  builder: (yargs: Argv<object>) =>
    withDevOptions(yargs).positional('replicas', { type: 'number', demandOption: true }) as Argv<ScaleArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.replicas) || args.replicas < 0) {
      throw new CliError(
        `replicas must be a whole number >= 0, got ${args.replicas}`,
        EXIT.usage,
        'INF_USAGE',
      );
    }
    const { scale } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args, { worker: true, replicas: args.replicas });
    const progress = (message: string) => process.stderr.write(`${message}\n`);
    const result = await scale(model, args.replicas, { progress });
    if (args.json) printJson({ replicas: args.replicas, ...result });
    else
      process.stdout.write(
        `worker: ${args.replicas} replica(s) ready in ${(result.readyMs / 1000).toFixed(1)} s\n`,
      );
  },
};
