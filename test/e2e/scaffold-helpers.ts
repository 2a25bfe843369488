/** Shared by the scaffold e2e tests: the kit's paths, the scaffolder run from source, success checks. */
import path from 'node:path';
import { type Run, run } from '../support/processes.ts';

export { type Run, run };

export const KIT = path.resolve(import.meta.dirname, '../..');
export const CREATE_BIN = path.join(KIT, 'src/cli/create-infinitic-app.ts');

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
