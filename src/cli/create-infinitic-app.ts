#!/usr/bin/env node
/**
 * `create-infinitic-app [dir]` (`npm create infinitic-app`): every question has a flag; with a TTY
 * the missing ones are asked, without one nothing waits for input (defaults with --yes, else the
 * missing answers are listed). Ctrl+C prints "Cancelled" once.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PACKAGE_MANAGERS, SAMPLES, STORAGE_BACKENDS } from '../scaffold/answers.ts';
import type { PromptFns } from '../scaffold/ask.ts';
import { type CreateAppOptions, createApp } from '../scaffold/create-app.ts';
import { formatSummary } from '../scaffold/summary.ts';
import { CliError, EXIT, runCli } from './run-cli.ts';

// Loaded on first use: runs without a TTY never pay for the prompt library.
const inquirer = () => import('@inquirer/prompts');
export const inquirerPrompts: PromptFns = {
  input: async (config) => (await inquirer()).input(config),
  select: async (config) => (await inquirer()).select(config),
  confirm: async (config) => (await inquirer()).confirm(config),
  number: async (config) => (await inquirer()).number(config),
};

export function parseArgs(argv: string[]) {
  return yargs(argv)
    .scriptName('create-infinitic-app')
    .usage('$0 [dir] [options]\n\nCreate an Infinitic worker project in TypeScript.')
    .command('$0 [dir]', false)
    .positional('dir', { type: 'string', describe: 'Project directory' })
    .options({
      name: { type: 'string', describe: 'npm package name (default: the directory name)' },
      'package-manager': {
        type: 'string',
        choices: PACKAGE_MANAGERS,
        describe: 'Default: the one running this',
      },
      storage: {
        type: 'string',
        choices: STORAGE_BACKENDS,
        describe: 'Workflow state storage (default redis)',
      },
      tenant: { type: 'string', describe: 'Pulsar tenant (default infinitic)' },
      namespace: { type: 'string', describe: 'Pulsar namespace (default dev)' },
      sample: { type: 'string', choices: SAMPLES, describe: 'Sample code (default hello)' },
      replicas: { type: 'number', describe: 'Worker replicas in the dev stack (default 2)' },
      git: { type: 'boolean', describe: 'git init (default true; --no-git to skip)' },
      install: { type: 'boolean', describe: 'Install dependencies (default true; --no-install to skip)' },
      yes: { type: 'boolean', alias: 'y', describe: 'Accept defaults for every question not given' },
      force: { type: 'boolean', describe: 'Write into a non-empty directory' },
      verbose: { type: 'boolean', describe: 'Print stack traces of unexpected errors' },
    })
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .fail((message, error) => {
      if (error) throw error;
      throw new CliError(`${message}\nRun 'create-infinitic-app --help' for usage.`, EXIT.usage, 'INF_USAGE');
    })
    .parseAsync();
}

export interface MainIo {
  prompts: PromptFns;
  interactive: boolean;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const defaultIo = (): MainIo => ({
  prompts: inquirerPrompts,
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});

/** Runs the scaffolder; `io` lets tests drive prompts and capture output in-process. */
export async function main(argv: string[], io: Partial<MainIo> = {}): Promise<void> {
  const { prompts, interactive, cwd, stdout, stderr } = { ...defaultIo(), ...io };
  const args = await parseArgs(argv);
  const options: CreateAppOptions = {
    flags: {
      dir: args.dir,
      name: args.name,
      packageManager: args['package-manager'] as CreateAppOptions['flags']['packageManager'],
      storage: args.storage as CreateAppOptions['flags']['storage'],
      tenant: args.tenant,
      namespace: args.namespace,
      sample: args.sample as CreateAppOptions['flags']['sample'],
      replicas: args.replicas,
      git: args.git,
      install: args.install,
      yes: args.yes,
      force: args.force,
    },
    cwd,
    interactive,
    prompts,
    log: (line) => stdout.write(`${line}\n`),
  };
  try {
    const result = await createApp(options);
    stdout.write(formatSummary(result, options.cwd));
  } catch (error) {
    // Ctrl+C inside a prompt: one word, no error line, the conventional SIGINT status.
    if (error instanceof Error && error.name === 'ExitPromptError') {
      stderr.write('Cancelled\n');
      process.exitCode = 130;
      return;
    }
    throw error;
  }
}

if (import.meta.main) runCli(() => main(hideBin(process.argv)));
