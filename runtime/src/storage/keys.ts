import { StorageError } from './errors.ts';

/** Longest key every backend accepts (the SQL tables declare VARCHAR(255), as Infinitic does). */
export const MAX_KEY_LENGTH = 255;

/** Throws when a key or key-set member cannot be stored identically by every backend. */
export function checkKey(key: string, what = 'key'): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StorageError(`storage ${what} must be a non-empty string`);
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new StorageError(
      `storage ${what} is ${key.length} characters long, the limit is ${MAX_KEY_LENGTH}: ${key.slice(0, 40)}...`,
    );
  }
}

/** Keys `scan` returns when no limit is given. */
export const DEFAULT_SCAN_LIMIT = 1000;

/** Throws unless `prefix` is a string and `limit` a positive integer. */
export function checkScan(prefix: string, limit: number): void {
  if (typeof prefix !== 'string') throw new StorageError('scan prefix must be a string');
  if (!Number.isSafeInteger(limit) || limit <= 0)
    throw new StorageError(`scan limit must be a positive integer, got ${limit}`);
}

/** Throws when an expected version is not a non-negative safe integer. */
export function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new StorageError(`expected version must be an integer >= 0, got ${version}`);
  }
}
