/**
 * The one place CLI errors are turned into output and exit codes. Errors the kit raises on
 * purpose (InfiniticError, with a `code`) print one line; anything else prints its message and
 * a hint, and its stack only with --verbose or DEBUG=infinitic.
 */
import { InfiniticError } from '@infinitic/runtime';

/** Exit codes: 1 failure, 2 invalid input (bad config, failed check), 64 usage error. */
export const EXIT = { failure: 1, invalid: 2, usage: 64 } as const;

/** An error that ends the command with a chosen exit code and a one-line message. */
export class CliError extends InfiniticError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure, code = 'INF_CLI') {
    super(code, message);
    this.exitCode = exitCode;
  }
}

export function reportError(error: unknown, verbose = process.argv.includes('--verbose')): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.failure;
  if (error instanceof InfiniticError) {
    process.stderr.write(`error: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (!verbose && !process.env.DEBUG?.includes('infinitic')) {
      process.stderr.write('(unexpected error; run again with --verbose for details)\n');
    }
  }
  if ((verbose || process.env.DEBUG?.includes('infinitic')) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return exitCode;
}

/** Runs a CLI main function and exits with the right code, never with an unhandled rejection. */
export function runCli(main: () => Promise<unknown>): void {
  // Promise.resolve().then: an error thrown synchronously by main (or a yargs handler) is caught too
  Promise.resolve()
    .then(main)
    .then(
      () => {
        process.exitCode ??= 0;
      },
      (error: unknown) => {
        process.exitCode = reportError(error);
      },
    );
}
