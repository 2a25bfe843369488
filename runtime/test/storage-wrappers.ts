/**
 * Compression and cache wrappers over a real backend: the contract suite again through each
 * wrapper, then what the wrappers add (smaller stored bytes, old values readable, reads served
 * from the cache, eviction by size and idle time). Backend calls are counted by a pass-through
 * wrapper written here; the backend itself is real.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../../test/support/services.ts';
import { type CacheOptions, withCache } from '../src/storage/cached-storage.ts';
import { isGzip, withCompression } from '../src/storage/compressed-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { storageConformance } from './storage-conformance.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

/** Runs the contract through gzip and through a cache, then the wrapper-specific checks (gzip + cache together: createStorage runs in each backend's file). */
export function wrapperConformance(name: string, makeStorage: () => Promise<Storage>): void {
  storageConformance(`${name} + gzip`, async () => withCompression(await makeStorage(), 'gzip'));
  storageConformance(`${name} + cache`, async () => withCache(await makeStorage(), { maximumSize: 1000 }));
  compressionChecks(name, makeStorage);
  cacheChecks(name, makeStorage);
}

function compressionChecks(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`compression over ${name}`, () => {
    let raw: Storage;
    const prefix = `${uniqueName('gz')}:`;
    before(async () => {
      raw = await makeStorage();
    });
    after(() => raw?.close());

    it('a compressible value is stored gzipped and much smaller, and reads back', async () => {
      const gz = withCompression(raw, 'gzip');
      const value = bytes(
        JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ step: i, status: 'completed' }))),
      );
      await gz.keyValue.put(`${prefix}a`, value);
      const stored = await raw.keyValue.get(`${prefix}a`);
      assert.ok(stored && isGzip(stored), 'stored with the gzip magic bytes');
      assert.ok(
        stored.byteLength * 10 < value.byteLength,
        `${stored.byteLength} bytes stored for ${value.byteLength}`,
      );
      assert.deepEqual(await gz.keyValue.get(`${prefix}a`), value);
      assert.equal(await gz.keyValue.putWithVersion(`${prefix}b`, value, 0), true);
      const versioned = await raw.keyValue.getWithVersion(`${prefix}b`);
      assert.ok(versioned.value && versioned.value.byteLength * 10 < value.byteLength);
      assert.equal(versioned.version, 1);
    });

    it('values written uncompressed still read, and compare-and-set continues on their version', async () => {
      const gz = withCompression(raw, 'gzip');
      await raw.keyValue.put(`${prefix}old`, bytes('written before compression'));
      assert.equal(text(await gz.keyValue.get(`${prefix}old`)), 'written before compression');
      const { value, version } = await gz.keyValue.getWithVersion(`${prefix}old`);
      assert.equal(text(value), 'written before compression');
      assert.equal(await gz.keyValue.putWithVersion(`${prefix}old`, bytes('now compressed'), version), true);
      assert.ok(isGzip((await raw.keyValue.get(`${prefix}old`)) ?? new Uint8Array()));
    });

    it("'none' writes plain bytes and still reads gzipped values (compression switched off)", async () => {
      const gz = withCompression(raw, 'gzip');
      const none = withCompression(raw, 'none');
      await gz.keyValue.put(`${prefix}on`, bytes('written with gzip'));
      assert.equal(text(await none.keyValue.get(`${prefix}on`)), 'written with gzip');
      await none.keyValue.put(`${prefix}off`, bytes('plain'));
      assert.equal(text(await raw.keyValue.get(`${prefix}off`)), 'plain');
    });

    it('a plain value that happens to start with the gzip magic bytes reads unchanged', async () => {
      const gz = withCompression(raw, 'gzip');
      const tricky = new Uint8Array([0x1f, 0x8b, 1, 2, 3]);
      await raw.keyValue.put(`${prefix}magic`, tricky);
      assert.deepEqual(await gz.keyValue.get(`${prefix}magic`), tricky);
      const random = new Uint8Array(randomBytes(4096));
      await gz.keyValue.put(`${prefix}random`, random);
      assert.deepEqual(await gz.keyValue.get(`${prefix}random`), random);
    });
  });
}

/** Counts the calls that reach the wrapped storage. */
function counted(storage: Storage): { storage: Storage; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>();
  const tally =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return fn(...args);
    };
  const kv = storage.keyValue;
  const ks = storage.keySet;
  return {
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    storage: {
      kind: storage.kind,
      keyValue: {
        get: tally('get', (k) => kv.get(k)),
        getWithVersion: tally('getWithVersion', (k) => kv.getWithVersion(k)),
        put: tally('put', (k, v) => kv.put(k, v)),
        putWithVersion: tally('putWithVersion', (k, v, e) => kv.putWithVersion(k, v, e)),
      },
      keySet: {
        members: tally('members', (k) => ks.members(k)),
        add: tally('add', (k, m) => ks.add(k, m)),
        remove: tally('remove', (k, m) => ks.remove(k, m)),
      },
      ping: () => storage.ping(),
      close: () => storage.close(),
    },
  };
}

function cacheChecks(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`cache over ${name}`, () => {
    let raw: Storage;
    const prefix = `${uniqueName('cache')}:`;
    let n = 0;
    const key = () => `${prefix}${n++}`;
    const cached = (options: CacheOptions) => {
      const backend = counted(raw);
      return { ...backend, cache: withCache(backend.storage, options) };
    };
    before(async () => {
      raw = await makeStorage();
    });
    after(() => raw?.close());

    it('serves repeated reads without reaching the backend', async () => {
      const { cache, total } = cached({ maximumSize: 10 });
      const k = key();
      await cache.keyValue.put(k, bytes('v'));
      const afterPut = total();
      assert.equal(text(await cache.keyValue.get(k)), 'v');
      assert.equal(total(), afterPut + 1, 'first read goes to the backend');
      for (let i = 0; i < 5; i++) {
        assert.equal(text(await cache.keyValue.get(k)), 'v');
        assert.deepEqual(await cache.keyValue.getWithVersion(k), { value: bytes('v'), version: 1 });
      }
      assert.equal(total(), afterPut + 1, 'later reads are served by the cache');
      assert.equal(text(await cache.keyValue.get(`${k}-absent`)), undefined);
      assert.equal(text(await cache.keyValue.get(`${k}-absent`)), undefined);
      assert.equal(total(), afterPut + 2, 'absence is cached too');
    });

    it('stays coherent with its own writes: compare-and-set updates the entry, put drops it', async () => {
      const { cache, calls, total } = cached({ maximumSize: 10 });
      const k = key();
      assert.equal(await cache.keyValue.putWithVersion(k, bytes('a'), 0), true);
      const before = total();
      assert.deepEqual(await cache.keyValue.getWithVersion(k), { value: bytes('a'), version: 1 });
      assert.equal(total(), before, 'the written value was cached');
      await cache.keyValue.put(k, bytes('b'));
      assert.deepEqual(await cache.keyValue.getWithVersion(k), { value: bytes('b'), version: 2 });
      assert.equal(calls.get('getWithVersion'), 1, 'after put the next read fetched the version');
      await cache.keyValue.putWithVersion(k, undefined, 2);
      assert.deepEqual(await cache.keyValue.getWithVersion(k), { value: undefined, version: 0 });
    });

    it("is per process: another writer's update is seen after a failed compare-and-set", async () => {
      const { cache } = cached({ maximumSize: 10 });
      const k = key();
      await cache.keyValue.put(k, bytes('mine'));
      const { version } = await cache.keyValue.getWithVersion(k);
      await raw.keyValue.put(k, bytes('theirs'));
      assert.equal(text(await cache.keyValue.get(k)), 'mine', 'stale within this process, like Infinitic');
      assert.equal(
        await cache.keyValue.putWithVersion(k, bytes('lost'), version),
        false,
        'the backend decides',
      );
      assert.deepEqual(await cache.keyValue.getWithVersion(k), { value: bytes('theirs'), version: 2 });
    });

    it('evicts the least recently used entry beyond maximumSize', async () => {
      const { cache, calls } = cached({ maximumSize: 2 });
      const [a, b, c] = [key(), key(), key()];
      for (const k of [a, b, c]) await raw.keyValue.put(k, bytes(k));
      for (const k of [a, b, c]) await cache.keyValue.get(k);
      assert.equal(calls.get('getWithVersion'), 3);
      await cache.keyValue.get(c);
      await cache.keyValue.get(b);
      assert.equal(calls.get('getWithVersion'), 3, 'b and c are cached');
      assert.equal(text(await cache.keyValue.get(a)), a);
      assert.equal(calls.get('getWithVersion'), 4, 'a was evicted');
    });

    it('evicts entries idle for expireAfterAccessSeconds, reads renew them', async () => {
      const { cache, calls } = cached({ maximumSize: 10, expireAfterAccessSeconds: 1 });
      const k = key();
      await raw.keyValue.put(k, bytes('idle'));
      await cache.keyValue.get(k);
      for (let i = 0; i < 4; i++) {
        await sleep(300);
        await cache.keyValue.get(k);
      }
      assert.equal(calls.get('getWithVersion'), 1, 'read every 300 ms: still cached after 1.2 s');
      await sleep(1300);
      assert.equal(text(await cache.keyValue.get(k)), 'idle');
      assert.equal(calls.get('getWithVersion'), 2, 'idle 1.3 s: evicted');
    });

    it('evicts entries expireAfterWriteSeconds after caching, however often read', async () => {
      const { cache, calls } = cached({ maximumSize: 10, expireAfterWriteSeconds: 0.6 });
      const k = key();
      await raw.keyValue.put(k, bytes('aged'));
      await cache.keyValue.get(k);
      await sleep(100);
      await cache.keyValue.get(k);
      assert.equal(calls.get('getWithVersion'), 1, 'cached while young');
      await sleep(700);
      await cache.keyValue.get(k);
      assert.equal(calls.get('getWithVersion'), 2, 'fetched again once 600 ms had passed');
    });

    it('caches key-set members and applies its own adds and removes', async () => {
      const { cache, calls } = cached({ maximumSize: 10 });
      const k = key();
      await raw.keySet.add(k, 'one');
      assert.deepEqual(await cache.keySet.members(k), ['one']);
      await cache.keySet.add(k, 'two');
      await cache.keySet.remove(k, 'one');
      assert.deepEqual(await cache.keySet.members(k), ['two']);
      assert.equal(calls.get('members'), 1);
      assert.deepEqual(await raw.keySet.members(k), ['two'], 'written through to the backend');
    });

    it('a read racing a write never leaves the old value cached', async () => {
      // Reads answer 30 ms late, so a write starts and ends while a read of the old value is on its way.
      const slow: Storage = {
        ...raw,
        kind: raw.kind,
        keySet: raw.keySet,
        ping: () => raw.ping(),
        close: () => raw.close(),
        keyValue: {
          ...raw.keyValue,
          getWithVersion: async (k) => {
            const entry = await raw.keyValue.getWithVersion(k);
            await sleep(30);
            return entry;
          },
        },
      };
      const cache = withCache(slow, { maximumSize: 100 });
      for (let round = 0; round < 5; round++) {
        const k = key();
        await cache.keyValue.put(k, bytes('old'));
        const reading = cache.keyValue.get(k);
        await sleep(5);
        await cache.keyValue.put(k, bytes('new'));
        await reading; // usually 'old'; either way the cache must now hold 'new'
        assert.equal(text(await cache.keyValue.get(k)), 'new', `round ${round}`);
      }
    });
  });
}
