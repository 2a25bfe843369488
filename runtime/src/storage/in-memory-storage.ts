import { StorageError } from './errors.ts';
import { checkKey, checkScan, checkVersion, DEFAULT_SCAN_LIMIT } from './keys.ts';
import type { KeySetStorage, KeyValueStorage, Storage, Versioned } from './storage.ts';

interface Entry {
  value: Uint8Array;
  version: number;
}

/**
 * Key-value and key-set storage held in this process: the embedded (no-Docker) mode and tests.
 * Values are copied in and out, so callers never share buffers with the store, like a real backend.
 * Every method completes synchronously behind its promise, which makes compare-and-set atomic.
 */
export class InMemoryStorage implements Storage {
  readonly kind = 'inMemory';
  readonly keyValue: KeyValueStorage;
  readonly keySet: KeySetStorage;
  #entries = new Map<string, Entry>();
  #sets = new Map<string, Set<string>>();
  #closed = false;

  constructor() {
    const entries = this.#entries;
    const sets = this.#sets;
    const open = () => this.#checkOpen();
    this.keyValue = {
      async get(key) {
        open();
        checkKey(key);
        const entry = entries.get(key);
        return entry?.value.slice();
      },
      async getWithVersion(key): Promise<Versioned> {
        open();
        checkKey(key);
        const entry = entries.get(key);
        return entry
          ? { value: entry.value.slice(), version: entry.version }
          : { value: undefined, version: 0 };
      },
      async put(key, value) {
        open();
        checkKey(key);
        if (value === undefined) {
          entries.delete(key);
          return;
        }
        const version = (entries.get(key)?.version ?? 0) + 1;
        entries.set(key, { value: value.slice(), version });
      },
      async putWithVersion(key, value, expectedVersion) {
        open();
        checkKey(key);
        checkVersion(expectedVersion);
        const current = entries.get(key)?.version ?? 0;
        if (current !== expectedVersion) return false;
        if (value === undefined) entries.delete(key);
        else entries.set(key, { value: value.slice(), version: expectedVersion + 1 });
        return true;
      },
      async scan(prefix, limit = DEFAULT_SCAN_LIMIT) {
        open();
        checkScan(prefix, limit);
        const keys: string[] = [];
        for (const key of entries.keys()) {
          if (keys.length >= limit) break;
          if (key.startsWith(prefix)) keys.push(key);
        }
        return keys;
      },
    };
    this.keySet = {
      async members(key) {
        open();
        checkKey(key);
        return [...(sets.get(key) ?? [])];
      },
      async add(key, member) {
        open();
        checkKey(key);
        checkKey(member, 'key-set member');
        const set = sets.get(key) ?? new Set<string>();
        sets.set(key, set.add(member));
      },
      async remove(key, member) {
        open();
        checkKey(key);
        checkKey(member, 'key-set member');
        const set = sets.get(key);
        if (!set) return;
        set.delete(member);
        if (set.size === 0) sets.delete(key);
      },
    };
  }

  async ping(): Promise<void> {
    this.#checkOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageError('inMemory storage: used after close()');
  }
}
