/** Shared by the scaffold e2e tests: run a command with a hard time bound and keep its output. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const KIT = path.resolve(import.meta.dirname, '../..');
export const CREATE_BIN = path.join(KIT, 'src/cli/create-infinitic-app.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; env?: Record<string, string | undefined> },
): Promise<Run> {
  const started = Date.now();
  // A `node --test` started from inside a test would otherwise report to us in the runner's binary protocol.
  const { NODE_TEST_CONTEXT: _nested, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...inherited, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} still running after ${options.timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Runs the scaffolder from source without a TTY (stdin is a pipe nobody writes to). */
export function runCreate(args: string[], cwd: string, timeoutMs = 30_000): Promise<Run> {
  return run(process.execPath, ['--conditions=source', CREATE_BIN, ...args], {
    cwd,
    timeoutMs,
    env: { npm_config_user_agent: 'npm/11.0.0 node/v24.0.0 linux x64' },
  });
}

/** Asserts a run succeeded, with its output in the message when it did not. */
export function ok(result: Run, what: string): Run {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`,
    );
  }
  return result;
}
