/**
 * /ready follows the storage: a worker on Pulsar-WS + a private redis-server (never the shared
 * one) answers 503 naming the storage while that Redis is down, and 200 again once it is back.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import getPort from 'get-port';
import { waitFor } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { httpWorker } from './fixtures/http-worker.ts';
import { HelloServiceImpl } from './fixtures/services.ts';
import { pulsarTenant } from './fixtures/test-backends.ts';

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitFor(`private redis-server on ${port}`, async () => ((await canConnect(port)) ? true : undefined));
  return child;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

interface ReadyBody {
  ready: boolean;
  storage: { ready: boolean; error?: string };
}

async function ready(port: number): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

test('/ready flips to 503 while the storage is down and back to 200 when it returns', async (t) => {
  const redisPort = await getPort();
  let redis = await startRedis(redisPort);
  t.after(() => {
    redis.kill('SIGKILL');
  });
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

  redis.kill('SIGTERM');
  await once(redis, 'exit');
  const down = await waitFor('/ready to answer 503', async () => {
    const r = await ready(port);
    return r.status === 503 ? r : undefined;
  });
  assert.equal(down.body.ready, false);
  assert.equal(down.body.storage.ready, false);
  assert.match(down.body.storage.error ?? '', /\w/);

  redis = await startRedis(redisPort);
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
