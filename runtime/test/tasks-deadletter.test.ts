/**
 * A task whose handling keeps failing (here: its outcome cannot be stored) goes to the dead-letter
 * topic after maxRedeliverCount, and the caller is told instead of waiting forever: in memory,
 * and on Pulsar (WebSocket) + Redis, where the broker's dead-letter topic receives the message.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { TaskFailedError } from '../src/engine/errors.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { topics } from '../src/transport/topics.ts';
import type { Transport } from '../src/transport/transport.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { HelloServiceImpl } from './fixtures/services.ts';
import { deleteRedisKeys, pulsarTenant, redisStorageOptions } from './fixtures/test-backends.ts';

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

interface Backend {
  transport: Transport;
  storage: Storage;
  /** Resolves once the dead-letter topic `topic` holds a message. */
  deadLettered(topic: string): Promise<void>;
  close(): Promise<void>;
}

async function inMemory(): Promise<Backend> {
  const transport = new InMemoryTransport();
  return {
    transport,
    storage: new InMemoryStorage(),
    deadLettered: async (topic) => {
      assert.ok(
        transport.stats().some((s) => s.topic === topic),
        `dead-letter topic ${topic} exists: ${JSON.stringify(transport.stats())}`,
      );
    },
    close: () => transport.close(0),
  };
}

async function pulsarRedis(): Promise<Backend> {
  const pulsar = pulsarTenant('tasks-dlq');
  const keyPrefix = `dlq-${randomUUID().slice(0, 8)}:`;
  const storage = await createRedisStorage(redisStorageOptions(keyPrefix));
  return {
    transport: pulsar.transport,
    storage,
    deadLettered: async (topic) => {
      const stats = await waitFor(`a message on ${topic}`, async () => {
        const s = await pulsar.transport.admin.topicStats(pulsar.tenant, pulsar.namespace, topic);
        return (s?.msgInCounter ?? 0) > 0 ? s : undefined;
      });
      assert.equal(stats.msgInCounter, 1, 'one dead-lettered message');
    },
    close: async () => {
      await storage.close();
      await deleteRedisKeys(keyPrefix);
      await pulsar.close();
    },
  };
}

for (const [name, makeBackend] of [
  ['in-memory', inMemory],
  ['pulsar-ws + redis', pulsarRedis],
] as const) {
  test(`${name}: the caller gets a TaskFailedError when the task message is dead-lettered`, async (t) => {
    const { transport, storage, deadLettered, close } = await makeBackend();
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
      await close();
    });
    await worker.start();
    // A caller-chosen id takes the record-then-reply path (a fresh random id replies while recording).
    const taskId = randomUUID();
    await assert.rejects(
      client.runTask('HelloService', 'sayHello', ['x'], { taskId, timeoutMs: 20_000 }),
      (e: unknown) => {
        assert.ok(e instanceof TaskFailedError);
        assert.equal(e.errorName, 'Error');
        assert.match(e.errorMessage, /^dead-lettered after repeated handling failures: READONLY/);
        return true;
      },
    );
    const executor = topics.taskExecutor('HelloService');
    await deadLettered(topics.deadLetter(executor, 'task-executor-subscription'));
  });
}
