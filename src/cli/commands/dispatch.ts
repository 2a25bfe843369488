/**
 * `infinitic dispatch <Service|Workflow> <method> ['[args as JSON]']`: starts a task (or a
 * workflow) and prints its result. Where it goes, in order:
 *   --embedded                      an in-process worker on in-memory transport and storage, just for this call;
 *   an embedded worker of this project answering on the config's observability port (`dev up --embedded`);
 *   the project's dev stack (`dev up`), at the ports its containers publish.
 */
import type { Argv, CommandModule } from 'yargs';
import { buildRequest, DEFAULT_TIMEOUT_S } from './dispatch-args.ts';

export interface DispatchArgs {
  target: string;
  method: string;
  args?: string;
  wait?: boolean;
  timeout?: number;
  env: string;
  dir: string;
  json?: boolean;
  embedded?: boolean;
  kind?: string;
}

export const dispatchCommand: CommandModule<object, DispatchArgs> = {
  command: 'dispatch <target> <method> [args]',
  describe:
    'Run a service task (or start a workflow) on the dev stack or the embedded worker; print its result',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('target', { type: 'string', describe: 'Service (or workflow) name, e.g. HelloService' })
      .positional('method', { type: 'string', describe: 'Method (task) name, e.g. sayHello' })
      .positional('args', { type: 'string', describe: `Arguments as a JSON array, e.g. '["world"]'` })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'Wait for the result (--no-wait prints the task id once dispatched)',
      })
      .option('timeout', {
        type: 'number',
        default: DEFAULT_TIMEOUT_S,
        describe: 'Seconds to wait for the result',
      })
      .option('env', {
        type: 'string',
        default: 'dev',
        describe: 'Config environment: config/base.yml + config/<env>.yml',
      })
      .option('dir', { type: 'string', default: '.', describe: 'Project directory' })
      .option('json', { type: 'boolean', describe: 'Print the outcome as JSON' })
      .option('embedded', {
        type: 'boolean',
        describe:
          'Run an in-process worker (in-memory transport and storage) for this call; needs `npm run build`',
      })
      .option('kind', {
        type: 'string',
        choices: ['service', 'workflow'],
        describe: 'What <target> is (default: a workflow when the project registers one by that name)',
      })
      .example('$0 dispatch HelloService sayHello \'["world"]\'', 'on the dev stack (infinitic dev up)')
      .example(
        '$0 dispatch HelloService sayHello \'["world"]\' --embedded',
        'without Docker',
      ) as Argv<DispatchArgs>,
  handler: async (args) => {
    const parsed = buildRequest(args, 'service'); // bad arguments fail before anything loads or starts
    const { dispatchFromCli } = await import('./dispatch-run.ts');
    await dispatchFromCli(args, parsed);
  },
};
