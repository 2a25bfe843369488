import { InfiniticError } from '../errors.ts';

export interface StorageErrorOptions extends ErrorOptions {
  /** The backend could not be reached or dropped the call (see `transient`). Default false. */
  transient?: boolean;
}

/**
 * Raised by every storage backend and wrapper: unreachable server, rejected option, invalid key.
 * The message names the backend and its address (`redis at 127.0.0.1:6379: ...`).
 */
export class StorageError extends InfiniticError {
  /**
   * True for infrastructure failures that say nothing about the call itself (connection refused,
   * reset or closed, a timeout, a server starting or shutting down): the same call can succeed
   * once the backend answers again. False for logical failures (invalid key, value refused,
   * storage closed by its owner), which would fail again.
   */
  readonly transient: boolean;

  constructor(message: string, options?: StorageErrorOptions) {
    const { transient = false, ...rest } = options ?? {};
    super('INF_STORAGE', message, rest);
    this.transient = transient;
  }
}

/** True when `error` is a StorageError for an outage (see StorageError.transient). */
export function isTransientStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError && error.transient;
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
  return new StorageError(`${where}: ${action} failed: ${cause}`, {
    cause: error,
    transient: isConnectionFailure(error),
  });
}

// Socket-level codes (Node), connection-level codes of mysql2, SQLSTATEs of PostgreSQL's classes
// 08 (connection exception), 57P0x (server shutting down or starting) and 53300 (too many connections).
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

// What the drivers say without a code: ioredis (connection closed, command timeout, offline queue
// given up, server loading its data or busy), pg (connection terminated or timed out) and mysql2
// (a pooled connection found closed).
const TRANSIENT_MESSAGE =
  /Connection is closed|Command timed out|max retries per request|Stream isn't writeable|^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b|Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|connection is in closed state|Connection lost/i;

/** True when the driver error (or one it wraps) is the backend being unreachable, not the call being wrong. */
function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (TRANSIENT_MESSAGE.test(error.message)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isConnectionFailure(e, depth + 1)))
    return true;
  return isConnectionFailure(error.cause, depth + 1);
}
