import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createStorage } from '../src/storage/create-storage.ts';
import { createMysqlStorage } from '../src/storage/mysql-storage.ts';
import { dropMysqlDatabases, mysqlConnection, mysqlTestOptions } from './fixtures/sql-databases.ts';
import { storageConformance } from './storage-conformance.ts';
import { wrapperConformance } from './storage-wrappers.ts';

const options = mysqlTestOptions('storage_test');
const { database } = options;

after(() => dropMysqlDatabases(options, [database, `${database}_b`]));

storageConformance('mysql', () => createMysqlStorage(options));
wrapperConformance('mysql', () => createMysqlStorage(options));
storageConformance('mysql via createStorage (gzip + cache)', () =>
  createStorage({
    kind: 'mysql',
    ...options,
    compression: 'gzip',
    cache: { maximumSize: 1000, expireAfterAccessSeconds: 60 },
  }),
);

describe('mysql storage specifics', () => {
  it('creates the database and tables, concurrently, with custom table names', async () => {
    const custom = {
      ...options,
      database: `${database}_b`,
      keyValueTable: 'kv_custom',
      keySetTable: 'ks_custom',
    };
    const storages = await Promise.all([1, 2, 3].map(() => createMysqlStorage(custom)));
    try {
      await storages[0]?.keyValue.put('k', new Uint8Array([7]));
      assert.deepEqual(await storages[2]?.keyValue.get('k'), new Uint8Array([7]));
      const connection = await mysqlConnection(options);
      const [rows] = await connection.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
        [custom.database],
      );
      await connection.end();
      assert.deepEqual(
        (rows as { name: string }[]).map((r) => r.name),
        ['ks_custom', 'kv_custom'],
      );
    } finally {
      await Promise.all(storages.map((s) => s.close()));
    }
  });

  it('rejects database and table names that are not plain identifiers', async () => {
    await assert.rejects(createMysqlStorage({ ...options, keySetTable: 'ks`x' }), {
      code: 'INF_STORAGE',
      message: /storage\.mysql\.keySetTable must be a plain identifier/,
    });
    await assert.rejects(createMysqlStorage({ ...options, database: 'a-b' }), {
      message: /storage\.mysql\.database/,
    });
  });

  it('an unreachable server fails with INF_STORAGE naming host:port', async () => {
    await assert.rejects(
      createMysqlStorage({ ...options, host: '127.0.0.1', port: 1, connectionTimeout: 1000 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INF_STORAGE');
        assert.match(error.message, /mysql at 127\.0\.0\.1:1\/.*ECONNREFUSED/);
        return true;
      },
    );
  });
});
