import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageConfig } from '../config/schema/index.ts';
import { storageSchema } from '../config/schema/storage.ts';
import { storageFromConfig, storageOptionsFromConfig } from './storage-from-config.ts';

const parse = (input: unknown) => storageSchema.parse(input) as StorageConfig;

describe('storageOptionsFromConfig', () => {
  it('maps redis with Infinitic defaults, a null password, and no cache', () => {
    const options = storageOptionsFromConfig(parse({ redis: { host: 'r', port: 6379, password: null } }));
    assert.deepEqual(options, {
      kind: 'redis',
      host: 'r',
      port: 6379,
      password: undefined,
      database: 0,
      timeout: 2000,
      ssl: false,
      poolConfig: { maxTotal: -1, maxIdle: 8, minIdle: 0 },
      compression: 'none',
    });
  });

  it('maps postgres and mysql with their table and pool keys', () => {
    const pg = storageOptionsFromConfig(
      parse({ postgres: { host: 'p', port: 5432, username: 'u', keyValueTable: 'kv', maximumPoolSize: 4 } }),
    );
    assert.equal(pg.kind, 'postgres');
    assert.equal(pg.kind === 'postgres' && pg.schema, 'infinitic');
    assert.equal(pg.kind === 'postgres' && pg.keyValueTable, 'kv');
    assert.equal(pg.kind === 'postgres' && pg.maximumPoolSize, 4);
    const my = storageOptionsFromConfig(
      parse({ mysql: { host: 'm', port: 3306, username: 'root', password: null } }),
    );
    assert.equal(my.kind, 'mysql');
    assert.equal(my.kind === 'mysql' && my.database, 'infinitic');
  });

  it("maps Infinitic's flat cache keys to both caches, nested keys override per cache", () => {
    const options = storageOptionsFromConfig(
      parse({
        inMemory: null,
        compression: 'gzip',
        cache: {
          maximumSize: 50,
          expireAfterAccess: 10,
          keySet: { maximumSize: 5, expireAfterWriteSeconds: 2 },
        },
      }),
    );
    assert.equal(options.compression, 'gzip');
    assert.deepEqual(options.cache, { maximumSize: 50, expireAfterAccessSeconds: 10 });
    assert.deepEqual(options.keySetCache, {
      maximumSize: 5,
      expireAfterAccessSeconds: 10,
      expireAfterWriteSeconds: 2,
    });
  });

  it('caches only the half that is configured, with defaults for what is left out', () => {
    const options = storageOptionsFromConfig(
      parse({ inMemory: {}, cache: { keyValue: { maximumSize: 7 } } }),
    );
    assert.deepEqual(options.cache, { maximumSize: 7, expireAfterAccessSeconds: 3600 });
    assert.equal(options.keySetCache, undefined);
    const empty = storageOptionsFromConfig(parse({ inMemory: {}, cache: {} }));
    assert.deepEqual(empty.cache, { maximumSize: 10_000, expireAfterAccessSeconds: 3600 });
    assert.deepEqual(empty.keySetCache, empty.cache);
  });
});

describe('storageFromConfig', () => {
  it("builds a working in-memory storage from 'storage: inMemory'", async () => {
    const storage = storageFromConfig(parse('inMemory'));
    assert.equal(storage.kind, 'inMemory');
    assert.equal(await storage.keyValue.putWithVersion('k', new Uint8Array([1]), 0), true);
    assert.deepEqual(await storage.keyValue.getWithVersion('k'), { value: new Uint8Array([1]), version: 1 });
    await storage.close();
  });

  it('rejects an invalid cache size with the option name', () => {
    assert.throws(
      () => storageFromConfig({ ...parse('inMemory'), cache: { maximumSize: 0 } } as StorageConfig),
      {
        code: 'INF_STORAGE',
        message: /storage\.cache\.keyValue\.maximumSize must be a positive integer/,
      },
    );
  });
});
