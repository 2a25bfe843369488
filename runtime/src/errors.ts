/**
 * Base of every error the runtime raises on purpose. `code` is stable and machine-readable
 * (`INF_CONFIG`, `INF_TRANSPORT`, ...); the CLI prints `message` on one line and exits without a
 * stack trace for these.
 */
export class InfiniticError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
