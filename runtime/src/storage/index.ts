/** Storage front door: the contract, the backends, the wrappers and the factories. */

export { type CacheOptions, withCache } from './cached-storage.ts';
export { type Compression, withCompression } from './compressed-storage.ts';
export { type BackendOptions, buildStorage, createStorage, type StorageOptions } from './create-storage.ts';
export { StorageError } from './errors.ts';
export { InMemoryStorage } from './in-memory-storage.ts';
export { MAX_KEY_LENGTH } from './keys.ts';
export { type InitializableStorage, initializedOnFirstUse } from './lazy-storage.ts';
export { createMysqlStorage, MysqlStorage, type MysqlStorageOptions } from './mysql-storage.ts';
export { createPostgresStorage, PostgresStorage, type PostgresStorageOptions } from './postgres-storage.ts';
export { createRedisStorage, RedisStorage, type RedisStorageOptions } from './redis-storage.ts';
export type { SqlStorageOptions } from './sql-options.ts';
export type { KeySetStorage, KeyValueStorage, Storage, Versioned } from './storage.ts';
export { CACHE_DEFAULTS, storageFromConfig, storageOptionsFromConfig } from './storage-from-config.ts';
