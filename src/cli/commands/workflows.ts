/**
 * `infinitic workflows <list|inspect>`: workflow instances as storage holds them, read through the
 * client API (listWorkflows, inspectWorkflow) on the project's dev stack, a config's storage, or
 * a running embedded worker (see workflows-target.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import {
  listAcross,
  listOptions,
  unknownInstance,
  WORKFLOW_STATUSES,
} from '../../embedded/workflows-request.ts';
import { formatInspection, formatList, workflowNames } from './workflows-format.ts';
import type { TargetFlags, WorkflowsTarget } from './workflows-target.ts';

interface CommonArgs extends TargetFlags {
  json?: boolean;
}

interface ListArgs extends CommonArgs {
  name?: string | string[];
  status?: string;
  tag?: string;
  limit?: number;
}

interface InspectArgs extends CommonArgs {
  name: string;
  id: string;
}

function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

function targetOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('embedded', {
      type: 'boolean',
      describe: 'Read from the running embedded worker: `infinitic dev up --embedded` in another terminal',
    })
    .option('env', {
      type: 'string',
      describe: 'Read the storage of config/base.yml + config/NAME.yml, e.g. --env staging',
    })
    .option('config', {
      type: 'string',
      describe: 'Read the storage of these files (merged left to right), e.g. --config a.yml,b.yml',
    })
    .option('dir', { type: 'string', default: '.', describe: 'Project directory, e.g. --dir ../my-app' })
    .option('json', { type: 'boolean', describe: "Print the client API's objects as JSON, e.g. --json | jq" })
    .conflicts('env', 'config')
    .conflicts('embedded', 'config')
    .epilogue(
      'Where it reads: with --env/--config, the storage that configuration names; with --embedded, the running ' +
        'embedded worker; otherwise the embedded worker of this project if one runs, else its dev stack ' +
        '(`infinitic dev up`).',
    );
}

async function withTarget<T>(args: TargetFlags, use: (target: WorkflowsTarget) => Promise<T>): Promise<T> {
  // Loaded when a command runs: the runtime, the storage drivers and dockerode are behind it.
  const { workflowsTarget } = await import('./workflows-target.ts');
  const target = await workflowsTarget(args);
  try {
    return await use(target);
  } finally {
    await target.close().catch(() => {});
  }
}

const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List workflow instances, newest first: id, name, version, status, started, updated, tags',
  builder: (yargs: Argv<object>) =>
    targetOptions(yargs)
      .option('name', {
        type: 'string',
        describe: 'Workflow name, e.g. --name HelloWorkflow (repeatable; default: all the project registers)',
      })
      .option('status', {
        type: 'string',
        choices: WORKFLOW_STATUSES,
        describe: 'Only instances in this state, e.g. --status failed',
      })
      .option('tag', { type: 'string', describe: 'Only instances carrying this tag, e.g. --tag vip' })
      .option('limit', {
        type: 'number',
        describe: 'At most this many instances, the newest first (default 50), e.g. --limit 10',
      })
      .example('$0 workflows list', 'all workflows of the project')
      .example('$0 workflows list --name HelloWorkflow', 'one workflow')
      .example('$0 workflows list --status running', 'running ones')
      .example('$0 workflows list --tag vip --json', 'as JSON, for scripts')
      .example('$0 workflows list --env staging --status failed', "from staging's storage")
      .example('$0 workflows list --embedded', 'from `dev up --embedded`') as Argv<ListArgs>,
  handler: async (args) => {
    const options = listOptions(args); // bad flags fail before anything connects
    await withTarget(args, async (target) => {
      const names = workflowNames(args.name, await target.knownWorkflows(), target.via);
      const list = await listAcross(target.reader, names, options);
      // JSON stays the client API's array; the table says what the limit or the scan cap left out
      process.stdout.write(formatList(list.instances, Boolean(args.json), list));
      if (!args.json) note(`${list.instances.length} instance(s) of ${names.join(', ')} in ${target.via}`);
    });
  },
};

const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <name> <id>',
  describe: 'Show one instance: state, pending commands, history summary, result or error',
  builder: (yargs: Argv<object>) =>
    targetOptions(yargs)
      .positional('name', { type: 'string', describe: 'Workflow name, e.g. HelloWorkflow' })
      .positional('id', { type: 'string', describe: 'Workflow id (from `infinitic workflows list`)' })
      .example('$0 workflows inspect HelloWorkflow 42', 'state, pending, history')
      .example('$0 workflows inspect HelloWorkflow 42 --json', 'as JSON') as Argv<InspectArgs>,
  handler: async (args) => {
    await withTarget(args, async (target) => {
      const inspection = await target.reader.inspectWorkflow(args.name, args.id);
      if (!inspection) throw unknownInstance(args.name, args.id, target.via);
      process.stdout.write(formatInspection(inspection, Boolean(args.json)));
    });
  },
};

export const workflowsCommand: CommandModule<object, object> = {
  command: 'workflows <command>',
  describe: "List and inspect workflow instances (dev stack, embedded worker, or a config's storage)",
  builder: (yargs: Argv<object>) =>
    yargs
      .command(listCommand)
      .command(inspectCommand)
      .demandCommand(1, 'Name a workflows command: list or inspect.'),
  handler: () => {},
};
