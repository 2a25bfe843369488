/**
 * `infinitic doctor --env production [--json] [--dir DIR]`: the production checklist as rules
 * (PROD001…), every finding with its fix, all at once. Exit 0 passed (warnings allowed), 2 failed
 * or invalid config.
 */
import type { Argv, CommandModule } from 'yargs';
import type { PromoteProject } from '../../promote/project.ts';
import { CliError, EXIT } from '../run-cli.ts';

export interface ProjectArgs {
  env: string;
  dir?: string;
}

interface DoctorArgs extends ProjectArgs {
  json?: boolean;
}

/**
 * Loads the environment for promotion; an invalid config ends with exit 2 and every located issue.
 * The runtime and the promotion code load here, when a command runs, not with the CLI.
 */
export async function loadForCli(args: ProjectArgs): Promise<PromoteProject> {
  // The runtime's rule for a name that selects config/<env>.yml; a usage error, not a config one.
  if (!/^[A-Za-z0-9][\w.-]*$/.test(args.env)) {
    throw new CliError(
      `--env '${args.env}' is not an environment name: a letter or digit, then letters, digits, '.', '_' or '-' (it selects config/<env>.yml)`,
      EXIT.usage,
    );
  }
  const [{ ConfigError }, { loadProject }] = await Promise.all([
    import('@infinitic/runtime'),
    import('../../promote/project.ts'),
  ]);
  try {
    return loadProject({ env: args.env, ...(args.dir ? { dir: args.dir } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.invalid, 'INF_CONFIG');
    throw error;
  }
}

export function projectOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('env', {
      type: 'string',
      default: 'production',
      describe: 'Environment: config/base.yml + config/ENV.yml',
    })
    .option('dir', { type: 'string', describe: 'Project directory (default: current directory)' });
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe:
    'Check an environment against the production checklist (TLS, auth, secrets, replicas, limits, probes…)',
  builder: (yargs) =>
    projectOptions(yargs).option('json', {
      type: 'boolean',
      describe: 'Print the findings as JSON',
    }) as unknown as Argv<DoctorArgs>,
  handler: async (args) => {
    const project = await loadForCli(args);
    const { formatReport, runDoctor } = await import('../../doctor/doctor.ts');
    const report = runDoctor(project);
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (!report.ok) {
      throw new CliError(
        `production checklist failed for env ${report.env}: ${report.errors} failure(s)`,
        EXIT.invalid,
        'INF_DOCTOR',
      );
    }
  },
};
