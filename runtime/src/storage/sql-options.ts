import { StorageError } from './errors.ts';

/** Options shared by the PostgreSQL and MySQL storages; names follow Infinitic's (HikariCP) keys. */
export interface SqlStorageOptions {
  host: string;
  port: number;
  username: string;
  password?: string | null;
  /** Table names, validated as plain identifiers. Defaults: key_value_storage, key_set_storage. */
  keyValueTable?: string;
  keySetTable?: string;
  /** Pool size (Hikari maximumPoolSize). Default 10. */
  maximumPoolSize?: number;
  /** Idle connections kept (Hikari minimumIdle). */
  minimumIdle?: number;
  /** Milliseconds an idle connection is kept (Hikari idleTimeout). */
  idleTimeout?: number;
  /** Milliseconds to wait for a connection (Hikari connectionTimeout). Default 5000. */
  connectionTimeout?: number;
  /** Milliseconds a connection lives at most (Hikari maxLifetime). */
  maxLifetime?: number;
  /** Connect with TLS. Default false. */
  ssl?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Returns `name` when it is a plain SQL identifier (letters, digits, underscore; at most `max`
 * characters so derived index names stay under PostgreSQL's 63), else throws naming the option.
 */
export function sqlIdentifier(option: string, name: string, max = 48): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > max) {
    throw new StorageError(
      `${option} must be a plain identifier (letters, digits, _; not starting with a digit; at most ${max} characters), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** Checks the options every SQL storage requires and returns the table names. */
export function checkSqlOptions(
  kind: string,
  options: SqlStorageOptions,
): { keyValue: string; keySet: string } {
  if (!options.host) throw new StorageError(`storage.${kind}.host is required`);
  if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
    throw new StorageError(`storage.${kind}.port must be a TCP port, got ${options.port}`);
  }
  if (!options.username) throw new StorageError(`storage.${kind}.username is required`);
  const keyValue = sqlIdentifier(
    `storage.${kind}.keyValueTable`,
    options.keyValueTable ?? 'key_value_storage',
  );
  const keySet = sqlIdentifier(`storage.${kind}.keySetTable`, options.keySetTable ?? 'key_set_storage');
  if (keyValue === keySet)
    throw new StorageError(`storage.${kind}.keyValueTable and keySetTable must differ`);
  return { keyValue, keySet };
}

/** Zero-copy Buffer view of a Uint8Array, which SQL drivers bind as binary. */
export const asBuffer = (value: Uint8Array): Buffer =>
  Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/** Kibibytes recorded next to each value (Infinitic's value_size_in_KiB column). */
export const sizeInKiB = (value: Uint8Array): number => Math.floor(value.byteLength / 1024);
