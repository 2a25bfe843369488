import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createStorage } from '../src/storage/create-storage.ts';
import { createPostgresStorage } from '../src/storage/postgres-storage.ts';
import { dropPostgresSchemas, postgresClient, postgresTestOptions } from './fixtures/sql-databases.ts';
import { storageConformance } from './storage-conformance.ts';
import { wrapperConformance } from './storage-wrappers.ts';

const options = postgresTestOptions('storage_test');
const { schema } = options;

after(() => dropPostgresSchemas(options, [schema, `${schema}_b`]));

storageConformance('postgres', () => createPostgresStorage(options));
wrapperConformance('postgres', () => createPostgresStorage(options));
storageConformance('postgres via createStorage (gzip + cache)', () =>
  createStorage({
    kind: 'postgres',
    ...options,
    compression: 'gzip',
    cache: { maximumSize: 1000, expireAfterAccessSeconds: 60 },
  }),
);

describe('postgres storage specifics', () => {
  it('creates the schema and tables once, concurrently, with custom table names', async () => {
    const custom = {
      ...options,
      schema: `${schema}_b`,
      keyValueTable: 'kv_custom',
      keySetTable: 'ks_custom',
    };
    const storages = await Promise.all([1, 2, 3].map(() => createPostgresStorage(custom)));
    try {
      await storages[0]?.keyValue.put('k', new Uint8Array([7]));
      assert.deepEqual(await storages[2]?.keyValue.get('k'), new Uint8Array([7]));
      const client = await postgresClient(options);
      const { rows } = await client.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [custom.schema],
      );
      await client.end();
      assert.deepEqual(
        rows.map((r) => r.table_name),
        ['ks_custom', 'kv_custom'],
      );
    } finally {
      await Promise.all(storages.map((s) => s.close()));
    }
  });

  it('adopts a table created by Infinitic before 0.18 (no version column)', async () => {
    const legacy = `${schema}_c`;
    const client = await postgresClient(options);
    try {
      await client.query(`CREATE SCHEMA "${legacy}"`);
      await client.query(`CREATE TABLE "${legacy}".key_value_storage (id BIGSERIAL PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE, value BYTEA NOT NULL, last_update TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        value_size_in_KiB INTEGER)`);
      await client.query(`INSERT INTO "${legacy}".key_value_storage (key, value) VALUES ('old', '\\x0102')`);
      const storage = await createPostgresStorage({ ...options, schema: legacy });
      try {
        assert.deepEqual(await storage.keyValue.getWithVersion('old'), {
          value: new Uint8Array([1, 2]),
          version: 1,
        });
        assert.equal(await storage.keyValue.putWithVersion('old', new Uint8Array([3]), 1), true);
        assert.equal((await storage.keyValue.getWithVersion('old')).version, 2);
      } finally {
        await storage.close();
      }
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${legacy}" CASCADE`);
      await client.end();
    }
  });

  it('rejects table and schema names that are not plain identifiers', async () => {
    await assert.rejects(createPostgresStorage({ ...options, keyValueTable: 'kv; DROP TABLE x' }), {
      code: 'INF_STORAGE',
      message: /storage\.postgres\.keyValueTable must be a plain identifier/,
    });
    await assert.rejects(createPostgresStorage({ ...options, schema: '1abc' }), {
      message: /storage\.postgres\.schema/,
    });
  });

  it('an unreachable server fails with INF_STORAGE naming host:port', async () => {
    await assert.rejects(
      createPostgresStorage({ ...options, host: '127.0.0.1', port: 1, connectionTimeout: 1000 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INF_STORAGE');
        assert.match(error.message, /postgres at 127\.0\.0\.1:1\b.*ECONNREFUSED/);
        return true;
      },
    );
  });
});
