/**
 * `infinitic config render|validate`: the merged configuration of an environment (config/base.yml +
 * config/NAME.yml) or of explicit files, each value with its source, secrets masked; or every
 * problem, located. Exit 0 valid, 2 invalid, 64 usage.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import type { Argv, CommandModule } from 'yargs';
import { CliError, EXIT } from '../run-cli.ts';
import type { SelectionFlags } from './config-selection.ts';

interface CommonArgs extends SelectionFlags {
  json?: boolean;
}

interface RenderArgs extends CommonArgs {
  showSources?: boolean;
  showSecrets?: boolean;
}

function selectionOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('env', { type: 'string', describe: 'Environment: config/base.yml + config/NAME.yml' })
    .option('config', { type: 'string', describe: 'Files merged left to right instead: a.yml,b.yml' })
    .option('dir', { type: 'string', describe: 'Project directory (default: current directory)' })
    .option('json', { type: 'boolean', describe: 'Machine-readable output' })
    .conflicts('env', 'config');
}

/**
 * Loads the selection; on problems prints them (JSON or lines) and ends with exit code 2.
 * The runtime is imported here, not at the top: `--help` and the other verbs do not pay for it.
 */
async function load(args: CommonArgs) {
  const [{ formatIssue, validateConfigFiles }, { selectConfig }] = await Promise.all([
    import('@infinitic/runtime/config'),
    import('./config-selection.ts'),
  ]);
  const selection = selectConfig(args);
  const report = validateConfigFiles(selection.files, {
    cwd: selection.dir,
    keepPlaceholders: selection.keepPlaceholders,
  });
  if (!report.config) {
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ valid: false, files: selection.files, issues: report.issues }, null, 2)}\n`,
      );
      throw new CliError(`invalid configuration (${selection.label})`, EXIT.invalid, 'INF_CONFIG');
    }
    const count = report.issues.length === 1 ? '1 problem' : `${report.issues.length} problems`;
    const lines = report.issues.map((issue) => `  ${formatIssue(issue)}`).join('\n');
    throw new CliError(
      `invalid configuration (${selection.label}, ${count}):\n${lines}`,
      EXIT.invalid,
      'INF_CONFIG',
    );
  }
  return { selection, config: report.config };
}

const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render',
  describe: 'Print the merged configuration, each value optionally with its source',
  builder: (yargs) =>
    selectionOptions(yargs)
      .option('resolve', { type: 'boolean', describe: 'Print resolved values (default)' })
      .option('keep-placeholders', { type: 'boolean', describe: 'Print ${VAR} placeholders as written' })
      .option('show-sources', { type: 'boolean', describe: 'Say where each value came from' })
      .option('show-secrets', { type: 'boolean', describe: 'Print secrets instead of ****' })
      .conflicts('resolve', 'keep-placeholders') as unknown as Argv<RenderArgs>,
  handler: async (args) => {
    const { selection, config } = await load(args);
    const { renderConfig } = await import('@infinitic/runtime/config');
    const output = renderConfig(config, {
      format: args.json ? 'json' : 'yaml',
      showSources: args.showSources ?? false,
      showSecrets: args.showSecrets ?? false,
      keepPlaceholders: selection.keepPlaceholders,
    });
    process.stdout.write(output);
  },
};

const validateCommand: CommandModule<object, CommonArgs> = {
  command: 'validate',
  describe: 'Check the merged configuration; report every problem with file:line:col',
  builder: (yargs) => selectionOptions(yargs) as unknown as Argv<CommonArgs>,
  handler: async (args) => {
    const { selection } = await load(args);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ valid: true, files: selection.files, issues: [] }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(`valid: ${selection.label} (${selection.files.join(' + ')})\n`);
    }
  },
};

export const configCommand: CommandModule = {
  command: 'config',
  describe: 'Render or validate the layered configuration (config/base.yml + config/ENV.yml)',
  builder: (yargs) =>
    yargs
      .command(renderCommand)
      .command(validateCommand)
      .demandCommand(1, 'Name a config command: render or validate.')
      .recommendCommands(),
  handler: () => {},
};
