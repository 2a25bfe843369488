/**
 * A task whose handling keeps failing (here: its outcome cannot be stored) goes to the dead-letter
 * topic after maxRedeliverCount, and the caller is told instead of waiting forever.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { TaskFailedError } from '../src/engine/errors.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { topics } from '../src/transport/topics.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { HelloServiceImpl } from './fixtures/services.ts';

/** In-memory storage whose compare-and-set writes fail, as a backend refusing writes would. */
function refusingWrites(storage: Storage): Storage {
  return {
    kind: storage.kind,
    keySet: storage.keySet,
    ping: () => storage.ping(),
    close: () => storage.close(),
    keyValue: {
      ...storage.keyValue,
      get: (key) => storage.keyValue.get(key),
      getWithVersion: (key) => storage.keyValue.getWithVersion(key),
      put: (key, value) => storage.keyValue.put(key, value),
      putWithVersion: async () => {
        throw new Error('READONLY You cannot write against a read only replica.');
      },
    },
  };
}

test('the caller gets a TaskFailedError when the task message is dead-lettered', async (t) => {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  const worker = new InfiniticWorker({
    name: 'dlq-worker',
    transport,
    storage: refusingWrites(storage),
    services: { HelloService: new HelloServiceImpl() },
    maxRedeliverCount: 2,
    negativeAckRedeliveryDelayMs: 10,
    logLevel: 'silent',
  });
  const client = new InfiniticClient({ transport, storage });
  t.after(async () => {
    await client.close();
    await worker.close();
    await transport.close(0);
  });
  await worker.start();
  // A caller-chosen id takes the record-then-reply path (a fresh random id replies while recording).
  const taskId = randomUUID();
  await assert.rejects(
    client.runTask('HelloService', 'sayHello', ['x'], { taskId, timeoutMs: 10_000 }),
    (e: unknown) => {
      assert.ok(e instanceof TaskFailedError);
      assert.equal(e.errorName, 'Error');
      assert.match(e.errorMessage, /^dead-lettered after repeated handling failures: READONLY/);
      return true;
    },
  );
  const executor = topics.taskExecutor('HelloService');
  const dlq = topics.deadLetter(executor, 'task-executor-subscription');
  assert.ok(
    transport.stats().some((s) => s.topic === dlq),
    `dead-letter topic ${dlq} exists: ${JSON.stringify(transport.stats())}`,
  );
});
