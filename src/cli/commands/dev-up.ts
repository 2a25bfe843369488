/** `infinitic dev up`: start Pulsar, Redis and N worker replicas, wait for readiness, print status. */
import type { Argv, CommandModule } from 'yargs';
import { CliError, EXIT } from '../run-cli.ts';
import { type DevArgs, modelFromArgs, parsePortFlags, printJson, withDevOptions } from './dev-options.ts';

interface UpArgs extends DevArgs {
  replicas?: number;
  build: boolean;
  detach?: boolean;
  embedded?: boolean;
  port?: string[];
  freePorts?: boolean;
}

export const devUpCommand: CommandModule<object, UpArgs> = {
  command: 'up',
  describe: 'Start Pulsar, Redis and the worker replicas; wait until all are ready',
  builder: (yargs: Argv<object>) =>
    withDevOptions(yargs)
      .option('replicas', {
        type: 'number',
        describe: 'Worker replicas (default: dev.replicas in config/dev.yml, else 1)',
      })
      .option('build', {
        type: 'boolean',
        default: true,
        describe: 'Build the worker image (--no-build reuses it)',
      })
      .option('detach', {
        type: 'boolean',
        describe: 'Return once ready instead of following worker logs (default when not a TTY)',
      })
      .option('embedded', {
        type: 'boolean',
        describe: 'Run in-process with in-memory transport and storage (no Docker)',
      })
      .option('port', {
        type: 'string',
        array: true,
        describe: 'Host port override service.port=N (e.g. pulsar.http=18080; 0 = any free port)',
      })
      .option('free-ports', {
        type: 'boolean',
        describe: 'Move busy host ports to free ones instead of failing',
      }) as Argv<UpArgs>,
  handler: async (args) => {
    if (args.embedded) {
      // No Docker: the project's worker in this process, in the foreground, until Ctrl+C/SIGTERM.
      if (args.replicas !== undefined) {
        process.stderr.write('note: --replicas does not apply to --embedded (one in-process worker)\n');
      }
      const { runEmbeddedDev } = await import('../../embedded/run-embedded-dev.ts');
      await runEmbeddedDev({ dir: args.dir });
      return;
    }
    if (args.replicas !== undefined && (!Number.isInteger(args.replicas) || args.replicas < 0)) {
      throw new CliError(
        `--replicas must be a whole number >= 0, got ${args.replicas}`,
        EXIT.usage,
        'INF_USAGE',
      );
    }
    const ports = parsePortFlags(args.port); // a bad flag fails before the stack code loads
    const { formatStatus, logs, up } = await import('../../stack/index.ts');
    const model = await modelFromArgs(args, { replicas: args.replicas, ports });
    const progress = (message: string) => process.stderr.write(`${message}\n`);
    const result = await up(model, { build: args.build, freePorts: args.freePorts, progress });
    if (args.json)
      printJson({
        ...result.status,
        movedPorts: result.movedPorts,
        changes: result.changes,
        timings: result.timings,
      });
    else
      process.stdout.write(
        `${formatStatus(result.status)}\n\nready in ${(result.timings.totalMs / 1000).toFixed(1)} s\n`,
      );
    const detach = args.detach ?? !process.stdout.isTTY;
    if (detach || args.json || !model.services.some((s) => s.name === 'worker')) return;
    process.stderr.write(
      'following worker logs (Ctrl+C stops following; the stack keeps running, `infinitic dev down` stops it)\n',
    );
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await logs(model.project, { target: 'worker', follow: true, tail: 20, signal: abort.signal });
  },
};
