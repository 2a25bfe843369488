/** Graceful shutdown on the in-memory mode: finish within the grace period, else abort and release. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { type TrickyService, TrickyServiceImpl } from './fixtures/services.ts';

function setup(t: import('node:test').TestContext) {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  const client = new InfiniticClient({ transport, storage });
  t.after(async () => {
    await client.close();
    await transport.close(0);
  });
  const worker = (name: string, impl: TrickyServiceImpl, grace: number) =>
    new InfiniticWorker({
      name,
      transport,
      storage,
      services: { TrickyService: impl },
      shutdownGracePeriodSeconds: grace,
      logLevel: 'silent',
    });
  return { client, worker };
}

test('close() lets an in-flight task finish within the grace period', async (t) => {
  const { client, worker } = setup(t);
  const impl = new TrickyServiceImpl();
  const a = worker('a', impl, 5);
  await a.start();
  const handle = await client.dispatch<TrickyService>('TrickyService').wait(300);
  await new Promise((r) => setTimeout(r, 50));
  const closing = a.close();
  assert.equal(a.state, 'stopping');
  assert.equal(await handle.result({ timeoutMs: 5000 }), 'done');
  await closing;
  assert.equal(a.state, 'stopped');
  assert.deepEqual(impl.aborted, []);
});

test('past the grace period the attempt is aborted and released to another worker, not failed', async (t) => {
  const { client, worker } = setup(t);
  const first = new TrickyServiceImpl();
  const a = worker('a', first, 0.2);
  await a.start();
  const handle = await client.dispatch<TrickyService>('TrickyService').wait(1000);
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await a.close();
  assert.ok(Date.now() - started < 1000, 'close did not wait for the task');
  assert.deepEqual(first.aborted, [handle.taskId], 'the attempt saw its signal aborted');
  const b = worker('b', new TrickyServiceImpl(), 1);
  await b.start();
  t.after(() => b.close());
  assert.equal(await handle.result({ timeoutMs: 5000 }), 'done', 'the released message ran again on b');
});

test('hosted components start after the executors and close with the grace period', async () => {
  const events: string[] = [];
  const a = new InfiniticWorker({
    name: 'host',
    transport: new InMemoryTransport(),
    storage: new InMemoryStorage(),
    services: {},
    shutdownGracePeriodSeconds: 1.5,
    logLevel: 'silent',
    components: [
      {
        start: async () => {
          events.push('start');
        },
        close: async (graceMs) => {
          events.push(`close ${graceMs}`);
        },
      },
    ],
  });
  await a.start();
  await a.close();
  assert.deepEqual(events, ['start', 'close 1500']);
});
