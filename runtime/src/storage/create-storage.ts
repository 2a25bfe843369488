import { type CacheOptions, withCache } from './cached-storage.ts';
import { type Compression, withCompression } from './compressed-storage.ts';
import { StorageError } from './errors.ts';
import { InMemoryStorage } from './in-memory-storage.ts';
import { initializedOnFirstUse } from './lazy-storage.ts';
import { MysqlStorage, type MysqlStorageOptions } from './mysql-storage.ts';
import { PostgresStorage, type PostgresStorageOptions } from './postgres-storage.ts';
import { RedisStorage, type RedisStorageOptions } from './redis-storage.ts';
import type { Storage } from './storage.ts';

export type BackendOptions =
  | { kind: 'inMemory' }
  | ({ kind: 'redis' } & RedisStorageOptions)
  | ({ kind: 'postgres' } & PostgresStorageOptions)
  | ({ kind: 'mysql' } & MysqlStorageOptions);

export type StorageOptions = BackendOptions & {
  /** gzip compresses values on write; reads detect compression either way. Default none. */
  compression?: Compression;
  /** Per-process read cache of key values, and of key sets unless `keySetCache` is given (even undefined). Default none. */
  cache?: CacheOptions;
  keySetCache?: CacheOptions;
};

/**
 * Builds a storage without touching the network: the backend connects and creates its tables on
 * first use (see initializedOnFirstUse). Wrapping order: backend, then compression, then cache,
 * so the cache holds decompressed values.
 */
export function buildStorage(options: StorageOptions): Storage {
  let storage = backend(options);
  // Even with `none`, reads still decompress values written while compression was on.
  storage = withCompression(storage, options.compression ?? 'none');
  const keySetCache = 'keySetCache' in options ? options.keySetCache : options.cache;
  if (options.cache || keySetCache) storage = withCache(storage, options.cache, keySetCache);
  return storage;
}

/** Builds a storage and checks it now: connects, creates tables; rejects with INF_STORAGE naming the server. */
export async function createStorage(options: StorageOptions): Promise<Storage> {
  const storage = buildStorage(options);
  try {
    await storage.ping();
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
  return storage;
}

function backend(options: BackendOptions): Storage {
  switch (options.kind) {
    case 'inMemory':
      return new InMemoryStorage();
    case 'redis':
      return initializedOnFirstUse(new RedisStorage(options));
    case 'postgres':
      return initializedOnFirstUse(new PostgresStorage(options));
    case 'mysql':
      return initializedOnFirstUse(new MysqlStorage(options));
    default:
      throw new StorageError(`unknown storage kind ${JSON.stringify((options as { kind: unknown }).kind)}`);
  }
}
