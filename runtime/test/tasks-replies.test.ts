/**
 * What a worker keeps per client it answers, on a real broker: nothing once idle. A dispatch with
 * `reply: false` asks no answer at all (its result is read from storage); an answered client's
 * response topic, deleted when the client leaves, stays deleted once the worker's producer on it
 * went idle.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { requireService, services, uniqueName, waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { TaskFailedError } from '../src/engine/errors.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { subscriptionFor, topics } from '../src/transport/topics.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { HelloServiceImpl, TrickyServiceImpl } from './fixtures/services.ts';

const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
const tenant = uniqueName('replies');
const namespace = 'test';
const IDLE_MS = 300;
const RESULT_MS = 15_000;
const transport = (clientName: string, producerIdleTimeoutMs?: number) =>
  new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    clientName,
    ...(producerIdleTimeoutMs !== undefined ? { producerIdleTimeoutMs } : {}),
  });

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, () => admin.clusters());
});

after(async () => {
  await admin.deleteNamespace(tenant, namespace);
  await admin.deleteTenant(tenant);
});

/** A worker (its own transport, producers idle after IDLE_MS) running Hello and Tricky services. */
async function startWorker(storage: InMemoryStorage) {
  const hello = `Hello_${randomUUID().slice(0, 8)}`;
  const tricky = `Tricky_${randomUUID().slice(0, 8)}`;
  const workerTransport = transport('replies-worker', IDLE_MS);
  const worker = new InfiniticWorker({
    name: `worker-${randomUUID().slice(0, 8)}`,
    transport: workerTransport,
    storage,
    services: { [hello]: new HelloServiceImpl(), [tricky]: new TrickyServiceImpl() },
    shutdownGracePeriodSeconds: 1,
    logLevel: 'silent',
  });
  await worker.start();
  return {
    hello,
    tricky,
    workerTransport,
    close: async () => {
      await worker.close();
      await workerTransport.close();
    },
  };
}

const topicNames = async () =>
  (await admin.listTopics(tenant, namespace)).map((t) => t.slice(t.lastIndexOf('/') + 1));

test('reply: false asks no reply: no response topic, no producer on the worker, the result read from storage', async () => {
  const storage = new InMemoryStorage();
  const { hello, tricky, workerTransport, close } = await startWorker(storage);
  const clientTransport = transport('replies-client');
  const client = new InfiniticClient({ transport: clientTransport, storage });
  const bare = new InfiniticClient({ transport: clientTransport });
  try {
    const handle = await client.dispatchTask<string>(hello, 'sayHello', ['Ada'], { reply: false });
    assert.equal(await handle.result({ timeoutMs: RESULT_MS }), 'Hello Ada');
    const failed = await client.dispatchTask(tricky, 'decline', ['card expired'], { reply: false });
    await assert.rejects(failed.result({ timeoutMs: RESULT_MS }), (error: unknown) => {
      assert.ok(error instanceof TaskFailedError);
      assert.equal(error.errorMessage, 'card expired');
      return true;
    });
    // Dispatching needs no storage; reading the result does, and says so.
    const unread = await bare.dispatchTask(hello, 'sayHello', ['Bob'], { reply: false });
    await assert.rejects(unread.result(), {
      code: 'INF_CLIENT_OPTIONS',
      message: /result\(\) of a task dispatched with reply: false needs the client to have a storage/,
    });
    await waitFor(
      'Bob to be answered in storage',
      async () => (await storage.keyValue.get(`task.result.${unread.taskId}`)) ?? undefined,
    );
    assert.equal(workerTransport.producer(client.responseTopic), undefined);
    assert.equal(workerTransport.producer(bare.responseTopic), undefined);
    const names = await topicNames();
    assert.ok(
      !names.includes(client.responseTopic),
      `${client.responseTopic} never created: ${names.join(', ')}`,
    );
    assert.ok(!names.includes(bare.responseTopic));
  } finally {
    await client.close();
    await bare.close();
    await clientTransport.close();
    await close();
  }
});

test('a worker drops its producer to a client once idle: the deleted response topic stays deleted', {
  timeout: 60_000,
}, async () => {
  const storage = new InMemoryStorage();
  const { hello, workerTransport, close } = await startWorker(storage);
  const clientTransport = transport('replies-client');
  const client = new InfiniticClient({ transport: clientTransport, storage });
  const responseTopic = client.responseTopic;
  const responseTopics = [responseTopic, topics.deadLetter(responseTopic, subscriptionFor(responseTopic))];
  const dropResponseTopics = () =>
    Promise.all(responseTopics.map((topic) => admin.deleteTopic(tenant, namespace, topic)));
  try {
    assert.equal(await client.runTask(hello, 'sayHello', ['Ada'], { timeoutMs: RESULT_MS }), 'Hello Ada');
    assert.ok(workerTransport.producer(responseTopic), 'the answer went through a producer');
    // The client leaves and deletes its topics, as `infinitic dispatch` does.
    await client.close();
    await clientTransport.close();
    await dropResponseTopics();
    // Until the idle close, the broker's WebSocket producer re-creates the topic (Pulsar reconnects it).
    await waitFor(
      'the worker to close its idle producer',
      async () => (workerTransport.producer(responseTopic) ? undefined : true),
      IDLE_MS * 10,
    );
    await waitFor('no producer on the response topic', async () =>
      ((await admin.topicStats(tenant, namespace, responseTopic))?.publishers.length ?? 0) === 0
        ? true
        : undefined,
    );
    // Nothing holds it any more: deleted again (what the broker's inactive-topic sweep does), it stays deleted.
    await dropResponseTopics();
    await new Promise((resolve) => setTimeout(resolve, 2000)); // well past any reconnect back-off
    const names = await topicNames();
    assert.ok(!names.includes(responseTopic), `${responseTopic} re-created: ${names.join(', ')}`);
    assert.ok(workerTransport.producerStats().closedIdle >= 1);
  } finally {
    await client.close();
    await clientTransport.close();
    await close();
  }
});
