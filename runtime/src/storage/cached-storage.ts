import { LRUCache } from 'lru-cache';
import { StorageError } from './errors.ts';
import type { KeySetStorage, KeyValueStorage, Storage, Versioned } from './storage.ts';
import { WriteTracker } from './write-tracker.ts';

export interface CacheOptions {
  /** Entries kept per cache (one for key values, one for key sets). */
  maximumSize: number;
  /** An entry not read for this long is dropped (Caffeine's expireAfterAccess). Default: never. */
  expireAfterAccessSeconds?: number;
  /** An entry is dropped this long after it was cached (Caffeine's expireAfterWrite). Default: never. */
  expireAfterWriteSeconds?: number;
}

/**
 * Read-through cache over any storage, like Infinitic's Caffeine caches. It is per process: it
 * stays coherent with this process's own writes, not with other workers'. A stale entry cannot
 * cause a lost update: compare-and-set still runs on the backend, fails on a stale version, and
 * the failure drops the entry so the next read goes to the backend. `keySetOptions` defaults to
 * `options`; `undefined` leaves that half uncached.
 */
export function withCache(
  storage: Storage,
  options: CacheOptions | undefined,
  keySetOptions: CacheOptions | undefined = options,
): Storage {
  return {
    kind: storage.kind,
    keyValue: options
      ? cachedKeyValue(storage.keyValue, makeCache<Cached>('keyValue', options))
      : storage.keyValue,
    keySet: keySetOptions
      ? cachedKeySet(storage.keySet, makeCache<Set<string>>('keySet', keySetOptions))
      : storage.keySet,
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}

type Cached = { value: Uint8Array | undefined; version: number };

interface Cache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
}

/** An LRU bounded by size, idle time (lru-cache's ttl renewed on read) and age since caching. */
function makeCache<V extends object>(name: string, options: CacheOptions): Cache<V> {
  const { maximumSize, expireAfterAccessSeconds: idle, expireAfterWriteSeconds: age } = options;
  const option = (key: string) => `storage.cache.${name}.${key}`;
  if (!Number.isInteger(maximumSize) || maximumSize <= 0) {
    throw new StorageError(`${option('maximumSize')} must be a positive integer, got ${maximumSize}`);
  }
  for (const [key, value] of [
    ['expireAfterAccessSeconds', idle],
    ['expireAfterWriteSeconds', age],
  ] as const) {
    if (value !== undefined && !(value > 0))
      throw new StorageError(`${option(key)} must be positive, got ${value}`);
  }
  const lru = new LRUCache<string, { value: V; expiresAt: number }>({
    max: maximumSize,
    ttl: (idle ?? 0) * 1000,
    updateAgeOnGet: idle !== undefined,
  });
  const ageMs = age === undefined ? Number.POSITIVE_INFINITY : age * 1000;
  return {
    get(key) {
      const hit = lru.get(key);
      if (hit && hit.expiresAt <= performance.now()) {
        lru.delete(key);
        return undefined;
      }
      return hit?.value;
    },
    set: (key, value) => void lru.set(key, { value, expiresAt: performance.now() + ageMs }),
    delete: (key) => void lru.delete(key),
  };
}

function cachedKeyValue(inner: KeyValueStorage, cache: Cache<Cached>): KeyValueStorage {
  const tracker = new WriteTracker();
  const read = async (key: string): Promise<Cached> => {
    const hit = cache.get(key);
    if (hit) return hit;
    const ticket = tracker.startRead();
    let entry: Versioned | undefined;
    try {
      entry = await inner.getWithVersion(key);
      return entry;
    } finally {
      if (tracker.endRead(key, ticket) && entry) cache.set(key, entry);
    }
  };
  const write = async <T>(key: string, run: () => Promise<T>, after: (result: T) => Cached | undefined) => {
    const ticket = tracker.startWrite(key);
    let result: T | undefined;
    let ok = false;
    try {
      result = await run();
      ok = true;
      return result;
    } finally {
      const alone = tracker.endWrite(key, ticket);
      const entry = ok && alone ? after(result as T) : undefined;
      if (entry) cache.set(key, entry);
      else cache.delete(key);
    }
  };
  // Cached bytes are never handed out: callers may mutate what they get.
  const copy = (value: Uint8Array | undefined) => value?.slice();

  return {
    async get(key) {
      return copy((await read(key)).value);
    },
    async getWithVersion(key) {
      const { value, version } = await read(key);
      return { value: copy(value), version };
    },
    async put(key, value) {
      // The backend assigns the version: forget the entry, the next read fetches it.
      await write(
        key,
        () => inner.put(key, value),
        () => undefined,
      );
    },
    async putWithVersion(key, value, expectedVersion) {
      const stored = value?.slice();
      return write(
        key,
        () => inner.putWithVersion(key, value, expectedVersion),
        (written) => (written && stored ? { value: stored, version: expectedVersion + 1 } : undefined),
      );
    },
    ...(inner.scan ? { scan: inner.scan.bind(inner) } : {}), // not cached: always the backend's view
  };
}

function cachedKeySet(inner: KeySetStorage, cache: Cache<Set<string>>): KeySetStorage {
  const tracker = new WriteTracker();
  const update = async (key: string, run: () => Promise<void>, change: (set: Set<string>) => void) => {
    const ticket = tracker.startWrite(key);
    let ok = false;
    try {
      await run();
      ok = true;
    } finally {
      const alone = tracker.endWrite(key, ticket);
      const set = cache.get(key);
      if (set && ok && alone) change(set);
      else cache.delete(key);
    }
  };
  return {
    async members(key) {
      const hit = cache.get(key);
      if (hit) return [...hit];
      const ticket = tracker.startRead();
      let members: string[] | undefined;
      try {
        members = await inner.members(key);
        return members;
      } finally {
        if (tracker.endRead(key, ticket) && members) cache.set(key, new Set(members));
      }
    },
    add: (key, member) =>
      update(
        key,
        () => inner.add(key, member),
        (set) => set.add(member),
      ),
    remove: (key, member) =>
      update(
        key,
        () => inner.remove(key, member),
        (set) => set.delete(member),
      ),
  };
}
