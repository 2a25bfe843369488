/**
 * /ready follows the storage: a worker on Pulsar-WS + a private redis-server (never the shared
 * one) answers 503 naming the storage while that Redis is down, and 200 again once it is back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { httpWorker } from './fixtures/http-worker.ts';
import { PrivateRedis } from './fixtures/private-redis.ts';
import { HelloServiceImpl } from './fixtures/services.ts';
import { pulsarTenant } from './fixtures/test-backends.ts';

interface ReadyBody {
  ready: boolean;
  storage: { ready: boolean; error?: string };
}

async function ready(port: number): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

test('/ready flips to 503 while the storage is down and back to 200 when it returns', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => redis.close());
  const redisPort = redis.port;
  const pulsar = pulsarTenant('tasks-ready', { clientName: 'ready-test' });
  const storage = await createRedisStorage({ host: '127.0.0.1', port: redisPort, timeout: 500 });
  const worker = httpWorker({
    name: 'ready-worker',
    transport: pulsar.transport,
    storage,
    services: { Hello: new HelloServiceImpl() },
    shutdownGracePeriodSeconds: 0,
  });
  t.after(async () => {
    await worker.close();
    await pulsar.close();
  });
  await worker.start();
  const port = worker.httpPort as number;
  assert.equal((await ready(port)).status, 200);

  await redis.kill();
  const down = await waitFor('/ready to answer 503', async () => {
    const r = await ready(port);
    return r.status === 503 ? r : undefined;
  });
  assert.equal(down.body.ready, false);
  assert.equal(down.body.storage.ready, false);
  assert.match(down.body.storage.error ?? '', /\w/);

  await redis.resume();
  const up = await waitFor(
    '/ready to answer 200 again',
    async () => {
      const r = await ready(port);
      return r.status === 200 ? r : undefined;
    },
    20_000,
  );
  assert.equal(up.body.storage.ready, true);
});
