import type { StorageConfig } from '../config/schema/index.ts';
import type { CacheOptions } from './cached-storage.ts';
import { buildStorage, type StorageOptions } from './create-storage.ts';
import type { Storage } from './storage.ts';

type CacheConfig = NonNullable<StorageConfig['cache']>;
type CacheEntryConfig = NonNullable<CacheConfig['keyValue']>;

/** Caffeine-like defaults used when a `cache:` section leaves a size or idle time out. */
export const CACHE_DEFAULTS = { maximumSize: 10_000, expireAfterAccessSeconds: 3600 } as const;

/**
 * Maps the validated `storage:` section to factory options. Cache: Infinitic's flat keys
 * (maximumSize, expireAfterAccess, expireAfterWrite) apply to both caches and `keyValue` /
 * `keySet` override them field by field; with only one of those two present, only that half is cached.
 */
export function storageOptionsFromConfig(config: StorageConfig): StorageOptions {
  const extra = { compression: config.compression, ...cachesFromConfig(config.cache) };
  if (config.redis) {
    const { password, ...redis } = config.redis;
    return { kind: 'redis', ...redis, password: password ?? undefined, ...extra };
  }
  if (config.postgres) return { kind: 'postgres', ...config.postgres, ...extra };
  if (config.mysql) return { kind: 'mysql', ...config.mysql, ...extra };
  return { kind: 'inMemory', ...extra };
}

/** The storage a config describes; it connects and creates its tables on first use (ping it for readiness). */
export function storageFromConfig(config: StorageConfig): Storage {
  return buildStorage(storageOptionsFromConfig(config));
}

function cachesFromConfig(cache: CacheConfig | undefined): Pick<StorageOptions, 'cache' | 'keySetCache'> {
  if (!cache) return {};
  const flat: CacheEntryConfig = {
    maximumSize: cache.maximumSize,
    expireAfterAccessSeconds: cache.expireAfterAccess,
    expireAfterWriteSeconds: cache.expireAfterWrite,
  };
  const hasFlat = Object.values(flat).some((v) => v !== undefined);
  const bothHalves = hasFlat || (!cache.keyValue && !cache.keySet);
  const entry = (own: CacheEntryConfig | undefined): CacheOptions | undefined => {
    if (!own && !bothHalves) return undefined;
    const pick = <K extends keyof CacheEntryConfig>(key: K) => own?.[key] ?? flat[key];
    const expireAfterWriteSeconds = pick('expireAfterWriteSeconds');
    return {
      maximumSize: pick('maximumSize') ?? CACHE_DEFAULTS.maximumSize,
      expireAfterAccessSeconds: pick('expireAfterAccessSeconds') ?? CACHE_DEFAULTS.expireAfterAccessSeconds,
      ...(expireAfterWriteSeconds !== undefined ? { expireAfterWriteSeconds } : {}),
    };
  };
  return { cache: entry(cache.keyValue), keySetCache: entry(cache.keySet) };
}
