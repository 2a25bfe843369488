import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError } from './errors.ts';
import { loadDriver } from './load-driver.ts';

const where = 'postgres at db:5432/app (schema infinitic)';

describe('loadDriver', () => {
  it('returns the module the driver package exports', async () => {
    const pg = await loadDriver(where, 'pg', () => import('pg'));
    assert.equal(typeof pg.default.Pool, 'function');
  });

  it('a package that is not installed is a StorageError saying where and what to install', async () => {
    const missing = 'infinitic-no-such-driver';
    await assert.rejects(
      loadDriver(where, missing, () => import(missing)),
      (error: StorageError) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.code, 'INF_STORAGE');
        assert.equal(
          error.message,
          `${where}: the driver package '${missing}' is not installed; add it to the project (npm install ${missing})`,
        );
        return true;
      },
    );
  });

  it('a driver that fails while loading is reported with its own message', async () => {
    const failing = () => Promise.reject(new TypeError('bad native binding'));
    await assert.rejects(loadDriver(where, 'mysql2', failing), {
      code: 'INF_STORAGE',
      message: `${where}: load driver 'mysql2' failed: bad native binding`,
    });
  });
});
