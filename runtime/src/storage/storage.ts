/**
 * The storage contract: key-value entries with versions (optimistic concurrency) and key sets.
 * Redis, PostgreSQL, MySQL and the in-memory store implement it; compression and caching are
 * wrappers over any of them. One conformance suite (runtime/test/storage-conformance.ts) runs
 * against every implementation and wrapper.
 *
 * Semantics:
 * - Versions start at 1 on the first write; version 0 means "absent".
 * - `putWithVersion(key, value, expected)` writes only when the stored version equals `expected`
 *   (0 = only if absent) and then stores version expected + 1; it returns false otherwise and
 *   writes nothing. `value` undefined deletes (still compared).
 * - `put` writes unconditionally and bumps the version.
 * - Keys are strings of at most 255 characters; values are bytes.
 * - `ping` answers when the backend is reachable (readiness); it throws otherwise.
 */

export interface Versioned {
  value: Uint8Array | undefined;
  /** 0 when absent. */
  version: number;
}

export interface KeyValueStorage {
  get(key: string): Promise<Uint8Array | undefined>;
  getWithVersion(key: string): Promise<Versioned>;
  put(key: string, value: Uint8Array | undefined): Promise<void>;
  putWithVersion(key: string, value: Uint8Array | undefined, expectedVersion: number): Promise<boolean>;
  /**
   * Keys that start with `prefix` (plain text, no wildcards), at most `limit` (default 1000), in no
   * particular order. For inspection tools (listing workflows), not for the engine's hot path:
   * Redis walks the keyspace with SCAN. Optional so external wrappers need not forward it; every
   * built-in backend and wrapper implements it.
   */
  scan?(prefix: string, limit?: number): Promise<string[]>;
}

export interface KeySetStorage {
  members(key: string): Promise<string[]>;
  add(key: string, member: string): Promise<void>;
  remove(key: string, member: string): Promise<void>;
}

export interface Storage {
  /** Implementation name for logs and metrics: 'inMemory', 'redis', 'postgres', 'mysql'. */
  readonly kind: string;
  readonly keyValue: KeyValueStorage;
  readonly keySet: KeySetStorage;
  ping(): Promise<void>;
  close(): Promise<void>;
}
