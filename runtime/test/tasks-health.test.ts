/** /health, /ready and /metrics of a worker on the in-memory transport and storage. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { httpWorker } from './fixtures/http-worker.ts';
import { type HelloService, HelloServiceImpl } from './fixtures/services.ts';
import { inMemoryBackend } from './fixtures/test-backends.ts';

async function get(
  port: number,
  path: string,
): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

test('health is alive, ready follows the transport, metrics expose task counters', async (t) => {
  const { transport, storage } = inMemoryBackend();
  const worker = httpWorker({
    name: 'health-worker',
    transport,
    storage,
    services: { HelloService: new HelloServiceImpl() },
  });
  t.after(() => worker.close());
  await worker.start();
  const port = worker.httpPort;
  assert.ok(port && port > 0);

  assert.deepEqual(await get(port, '/health'), {
    status: 200,
    body: '{"status":"alive"}\n',
    type: 'application/json',
  });
  const ready = await get(port, '/ready');
  assert.equal(ready.status, 200);
  assert.deepEqual(
    { ...JSON.parse(ready.body), storage: { ...JSON.parse(ready.body).storage, latencyMs: 0 } },
    {
      ready: true,
      worker: { ready: true, state: 'started' },
      transport: { ready: true, kind: 'inMemory' },
      storage: { ready: true, kind: 'inMemory', latencyMs: 0 },
    },
  );

  const client = new InfiniticClient({ transport, storage });
  t.after(() => client.close());
  assert.equal(await client.service<HelloService>('HelloService').sayHello('m'), 'Hello m');
  const metrics = await get(port, '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.type ?? '', /text\/plain/);
  assert.match(metrics.body, /infinitic_task_success_total\{service="HelloService",task="sayHello"\} 1/);
  assert.match(metrics.body, /infinitic_task_executions_in_flight\{service="HelloService"\} 0/);
  assert.match(metrics.body, /process_cpu_user_seconds_total/);
  assert.equal((await get(port, '/nope')).status, 404);

  // The storage stops answering: /ready says which part is not ready.
  await storage.close();
  const notReady = await get(port, '/ready');
  assert.equal(notReady.status, 503);
  const report = JSON.parse(notReady.body);
  assert.equal(report.ready, false);
  assert.equal(report.transport.ready, true);
  assert.equal(report.storage.ready, false);
  assert.match(report.storage.error, /\w/);

  // The transport loses its consumers: transport part reported too.
  await transport.close(0);
  const report2 = JSON.parse((await get(port, '/ready')).body);
  assert.equal(report2.transport.ready, false);
});
