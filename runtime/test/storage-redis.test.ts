import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import getPort from 'get-port';
import { uniqueName } from '../../test/support/services.ts';
import { createStorage } from '../src/storage/create-storage.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { deleteRedisKeys, redisStorageOptions } from './fixtures/test-backends.ts';
import { storageConformance } from './storage-conformance.ts';
import { wrapperConformance } from './storage-wrappers.ts';

const prefix = `${uniqueName('storage-test')}:`;
const options = redisStorageOptions(prefix);

// Remove every key this run wrote.
after(() => deleteRedisKeys(prefix));

storageConformance('redis', () => createRedisStorage(options));
wrapperConformance('redis', () => createRedisStorage(options));
storageConformance('redis via createStorage (gzip + cache)', () =>
  createStorage({
    kind: 'redis',
    ...options,
    compression: 'gzip',
    cache: { maximumSize: 1000, expireAfterAccessSeconds: 60 },
  }),
);

describe('redis storage specifics', () => {
  it('an unreachable server fails fast with INF_STORAGE naming host:port', async () => {
    const port = await getPort();
    const started = Date.now();
    await assert.rejects(
      createRedisStorage({ host: '127.0.0.1', port, timeout: 1000 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INF_STORAGE');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000, 'failed within 5 s');
  });

  it('a server that accepts but never answers fails after `timeout`', async () => {
    // A bare TCP listener (no Redis protocol): only the client's timeout can end the wait.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    try {
      await assert.rejects(createRedisStorage({ host: '127.0.0.1', port, timeout: 300 }), {
        code: 'INF_STORAGE',
        message: new RegExp(`redis at 127\\.0\\.0\\.1:${port}: connect failed`),
      });
      // ioredis ends a silent RESP handshake after about 2 s whatever the timeout: bound generously.
      assert.ok(Date.now() - started < 6000, `gave up after ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keyPrefix and database isolate tenants', async () => {
    const a = await createRedisStorage({ ...options, keyPrefix: `${prefix}a:` });
    const b = await createRedisStorage({ ...options, keyPrefix: `${prefix}b:` });
    const c = await createRedisStorage({ ...options, keyPrefix: `${prefix}a:`, database: 1 });
    try {
      await a.keyValue.put('k', new Uint8Array([1]));
      assert.deepEqual(await a.keyValue.get('k'), new Uint8Array([1]));
      assert.equal(await b.keyValue.get('k'), undefined);
      assert.equal(await c.keyValue.get('k'), undefined);
    } finally {
      await c.keyValue.put('k', undefined);
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
