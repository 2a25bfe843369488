import { InfiniticError } from '../errors.ts';

/**
 * Raised by every storage backend and wrapper: unreachable server, rejected option, invalid key.
 * The message names the backend and its address (`redis at 127.0.0.1:6379: ...`).
 */
export class StorageError extends InfiniticError {
  constructor(message: string, options?: ErrorOptions) {
    super('INF_STORAGE', message, options);
  }
}

/** Wraps a driver error into a StorageError that says which backend and address failed. */
export function storageFailure(where: string, action: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const cause =
    error instanceof AggregateError && !error.message
      ? error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')
      : error instanceof Error
        ? error.message || error.constructor.name
        : String(error);
  return new StorageError(`${where}: ${action} failed: ${cause}`, { cause: error });
}
