/**
 * Flags shared by the `infinitic dev` subcommands and the pure helpers that turn them into stack
 * model options (tested without Docker in dev-options.test.ts). The stack code (dockerode, the
 * runtime) is imported by the handlers when they run, never at load: `infinitic --help` stays fast.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { LoadStackModelOptions, StackModel } from '../../stack/index.ts';
import { CliError, EXIT } from '../run-cli.ts';

export interface DevArgs {
  dir: string;
  json?: boolean;
  label?: string[];
}

export function withDevOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('dir', { type: 'string', default: '.', describe: 'Project directory (holds config/dev.yml)' })
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON' })
    .option('label', {
      type: 'string',
      array: true,
      describe: 'Extra label k=v on every container, network, volume',
    });
}

/** `pulsar.http=18080` → `{ 'pulsar.http': 18080 }`; a malformed entry is a usage error. */
export function parsePortFlags(values: readonly string[] = []): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const value of values) {
    const match = /^([a-z]+\.[a-z]+)=(\d{1,5})$/.exec(value);
    const port = Number(match?.[2]);
    if (!match || port > 65535) {
      throw new CliError(
        `--port ${value}: expected service.port=NUMBER, e.g. --port pulsar.http=18080`,
        EXIT.usage,
        'INF_USAGE',
      );
    }
    ports[match[1]!] = port;
  }
  return ports;
}

/** `k=v` labels → object; a malformed entry is a usage error. */
export function parseLabels(values: readonly string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new CliError(`--label ${value}: expected key=value`, EXIT.usage, 'INF_USAGE');
    labels[value.slice(0, at)] = value.slice(at + 1);
  }
  return labels;
}

export async function modelFromArgs(
  args: DevArgs,
  extra: Partial<LoadStackModelOptions> = {},
): Promise<StackModel> {
  const { loadStackModel } = await import('../../stack/index.ts');
  return loadStackModel({ projectDir: resolve(args.dir), labels: parseLabels(args.label), ...extra });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
