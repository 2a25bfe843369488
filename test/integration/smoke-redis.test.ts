import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { requireService, services, uniqueName } from '../support/services.ts';

const redis = new Redis(services.redisUrl, {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
  retryStrategy: () => null,
});
after(() => redis.disconnect());

test('Redis answers through ioredis: PING, SET/GET with expiry, WATCH/MULTI compare-and-set', async () => {
  await requireService('Redis', services.redisUrl, async () => {
    await redis.connect();
    assert.equal(await redis.ping(), 'PONG');
  });
  const key = uniqueName('smoke');
  assert.equal(await redis.set(key, 'v1', 'PX', 10_000), 'OK');
  assert.equal(await redis.get(key), 'v1');

  // optimistic concurrency, as the storage layer will use it: a concurrent write aborts the transaction
  await redis.watch(key);
  const other = redis.duplicate();
  await other.set(key, 'v2');
  other.disconnect();
  const result = await redis.multi().set(key, 'v3').exec();
  assert.equal(result, null, 'EXEC must abort after a watched key changed');
  assert.equal(await redis.get(key), 'v2');
  await redis.del(key);
});
