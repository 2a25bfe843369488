/**
 * The one place CLI errors are turned into output and exit codes. Errors the kit raises on
 * purpose (the runtime's InfiniticError, CliError: a stable `INF_...` code) print one line;
 * anything else prints its message and a hint, and its stack only with --verbose or DEBUG=infinitic.
 *
 * Every command imports this module, so it loads nothing: not the runtime (whose index pulls the
 * storage, transport and metrics packages), which would slow `infinitic --help` down several fold.
 */

/** Exit codes: 1 failure, 2 invalid input (bad config, failed check), 64 usage error. */
export const EXIT = { failure: 1, invalid: 2, usage: 64 } as const;

/** An error that ends the command with a chosen exit code and a one-line message. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure, code = 'INF_CLI') {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.name = new.target.name;
  }
}

/**
 * An error raised on purpose: an InfiniticError of any runtime copy (a project's embedded worker
 * may load its own) or a CliError. Known by its `INF_` code rather than by class, which also
 * spares loading the runtime here.
 */
export function isDeliberate(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('INF_');
}

export function reportError(error: unknown, verbose = process.argv.includes('--verbose')): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.failure;
  if (isDeliberate(error)) {
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
