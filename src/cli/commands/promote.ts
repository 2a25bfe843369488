/**
 * `infinitic promote --env production [--out DIR] [--format k8s|compose|all] [--check] [--force]
 * [--dir DIR]`: production artifacts from the layered config, placeholders kept, plus (any format)
 * pulsar/provision.sh for the operator when the config uses Pulsar. Refuses (exit 2)
 * when the production checklist fails, unless --force. `--check` compares instead of writing:
 * exit 2 with a unified diff when the files drifted, 0 when identical.
 */
import { relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { PromoteFormat } from '../../promote/promote.ts';
import { CliError, EXIT } from '../run-cli.ts';
import { loadForCli, type ProjectArgs, projectOptions } from './doctor.ts';

interface PromoteArgs extends ProjectArgs {
  out?: string;
  format: PromoteFormat;
  check?: boolean;
  force?: boolean;
}

const show = (path: string) => relative(process.cwd(), path) || '.';

/** A file system refusal (permissions, a file where a directory goes) is the user's to fix: one line, no stack. */
function explainFsErrors<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    throw new CliError(`${what}: ${(error as Error).message}`, EXIT.failure, 'INF_PROMOTE_FS');
  }
}

export const promoteCommand: CommandModule<object, PromoteArgs> = {
  command: 'promote',
  describe:
    'Generate production Kubernetes manifests, compose file and Pulsar provisioning script from the config (or --check them)',
  builder: (yargs) =>
    projectOptions(yargs)
      .option('out', { type: 'string', describe: 'Output directory (default: DIR/deploy/ENV)' })
      .option('format', {
        choices: ['k8s', 'compose', 'all'] as const,
        default: 'all' as const,
        describe: 'What to generate',
      })
      .option('check', {
        type: 'boolean',
        describe:
          'Write nothing; exit 2 with a diff when the files in --out differ from what would be generated',
      })
      .option('force', {
        type: 'boolean',
        describe: 'Generate even when the production checklist (infinitic doctor) fails',
      }) as unknown as Argv<PromoteArgs>,
  handler: async (args) => {
    const project = await loadForCli(args);
    // The checklist and the generators (kubernetes-models) load only when promote runs.
    const [
      { formatFindings, runDoctor },
      { checkFiles, defaultOutDir, generateFiles, outDirProblem, writeFiles },
    ] = await Promise.all([import('../../doctor/doctor.ts'), import('../../promote/promote.ts')]);
    const outDir = args.out ? resolve(args.out) : defaultOutDir(project.dir, project.envName);
    const outProblem = outDirProblem(outDir);
    if (outProblem) throw new CliError(`--out ${show(outDir)}: ${outProblem}`, EXIT.usage, 'INF_PROMOTE_OUT');
    const report = runDoctor(project);
    if (!report.ok && !args.force) {
      process.stderr.write(formatFindings(report.findings));
      throw new CliError(
        `refusing to promote env ${project.envName}: the production checklist has ${report.errors} failure(s) (listed above); fix them or pass --force`,
        EXIT.invalid,
        'INF_DOCTOR',
      );
    }
    if (report.findings.length > 0) process.stderr.write(formatFindings(report.findings));
    const files = generateFiles(project, args.format, outDir);
    if (args.check) {
      const drifts = explainFsErrors(() => checkFiles(outDir, files), `cannot read ${show(outDir)}`);
      if (drifts.length === 0) {
        process.stdout.write(`up to date: ${files.length} files in ${show(outDir)}\n`);
        return;
      }
      process.stdout.write(drifts.map((d) => d.diff).join(''));
      const list = drifts.map((d) => `${d.path} (${d.status})`).join(', ');
      throw new CliError(
        `${drifts.length} file(s) in ${show(outDir)} differ from what promote generates: ${list}; run infinitic promote --env ${project.envName}`,
        EXIT.invalid,
        'INF_PROMOTE_DRIFT',
      );
    }
    const { written, removed } = explainFsErrors(
      () => writeFiles(outDir, files),
      `cannot write to ${show(outDir)}`,
    );
    const lines = [
      `promoted env ${project.envName} to ${show(outDir)}:`,
      ...written.map((f) => `  wrote ${f}`),
      ...removed.map((f) => `  removed ${f} (no longer generated)`),
      `next: read ${show(resolve(outDir, 'README.md'))} (secrets to create, Pulsar provisioning, apply order)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
