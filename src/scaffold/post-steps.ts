/** Steps after the files are written: git init and dependency install, each skippable by flag. */
import { spawn } from 'node:child_process';
import { resolveCommand } from 'package-manager-detector/commands';
import { CliError, EXIT } from '../cli/run-cli.ts';
import type { PackageManager } from './answers.ts';

export interface CommandLine {
  command: string;
  args: string[];
}

export function pmCommand(
  pm: PackageManager,
  what: 'install' | 'run' | 'execute-local',
  args: string[] = [],
): CommandLine {
  const resolved = resolveCommand(pm, what, args);
  if (!resolved) throw new CliError(`${pm} has no "${what}" command`, EXIT.failure, 'INF_SCAFFOLD_PM');
  return resolved;
}

export function formatCommand(line: CommandLine): string {
  return [line.command, ...line.args].join(' ');
}

/** Runs a command in `cwd`; output goes to ours (install progress), or is kept for the error when quiet. */
export function runStep(
  line: CommandLine,
  cwd: string,
  options: { quiet?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(line.command, line.args, {
      cwd,
      stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      timeout: options.timeoutMs ?? 600_000,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) =>
      reject(
        new CliError(
          `${formatCommand(line)} could not start: ${error.message}`,
          EXIT.failure,
          'INF_SCAFFOLD_STEP',
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const last = output.trim().split('\n').at(-1);
      reject(
        new CliError(
          `${formatCommand(line)} failed in ${cwd} (${signal ?? `exit ${code}`})${last ? `: ${last}` : ''}`,
          EXIT.failure,
          'INF_SCAFFOLD_STEP',
        ),
      );
    });
  });
}
