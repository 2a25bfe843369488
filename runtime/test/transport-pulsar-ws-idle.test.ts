/**
 * Idle producers of the WebSocket transport on a real broker: closed after `producerIdleTimeoutMs`
 * without sends, re-opened by the next send, with no message lost or doubled around the close.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireService, services, uniqueName, waitFor } from '../../test/support/services.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { Collector, sleep, text } from './transport-support.ts';

const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
const tenant = uniqueName('tri');
const namespace = 'idle';
const make = (producerIdleTimeoutMs: number) =>
  new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    clientName: 'idle',
    producerIdleTimeoutMs,
  });

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, () => admin.clusters());
});

after(async () => {
  await admin.deleteNamespace(tenant, namespace);
  await admin.deleteTenant(tenant);
});

/** Resolves as soon as `topic` has no producer (polled every ms, so what follows races the close). */
async function untilIdleClosed(transport: PulsarWsTransport, topic: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (transport.producer(topic)) {
    if (Date.now() > deadline) throw new Error(`the producer of ${topic} did not close when idle`);
    await sleep(1);
  }
}

const publishers = async (topic: string) =>
  (await admin.topicStats(tenant, namespace, topic))?.publishers.length ?? 0;

test('pulsar-ws idle: an idle producer closes after the idle time; a later send opens one and arrives', async () => {
  const transport = make(300);
  try {
    const got = new Collector();
    await transport.subscribe({ topic: 'idle', subscription: 's', type: 'Shared' }, got.handler());
    await transport.send('idle', { payload: text('a') });
    const first = transport.producer('idle');
    assert.ok(first);
    const sentAt = Date.now();
    assert.equal(await publishers('idle'), 1);
    await untilIdleClosed(transport, 'idle');
    const idleFor = Date.now() - sentAt;
    // Counted from the receipt, which may trail the sweep that last saw the send in flight by a few ms.
    assert.ok(idleFor >= 250, `closed after ${idleFor} ms, not before the idle time`);
    await waitFor('the broker to drop the publisher', async () =>
      (await publishers('idle')) === 0 ? true : undefined,
    );
    assert.deepEqual(transport.producerStats(), { open: 0, closedIdle: 1 });
    await transport.send('idle', { payload: text('b') });
    assert.notEqual(transport.producer('idle'), first, 'a new producer');
    await got.until(2);
    assert.deepEqual(got.texts(), ['a', 'b']);
  } finally {
    await transport.close();
  }
});

test('pulsar-ws idle: a producer that keeps sending stays open; 0 never closes', async () => {
  const busy = make(500);
  const never = make(0);
  try {
    await busy.send('steady', { payload: text('0') });
    await never.send('steady', { payload: text('0') });
    const producer = busy.producer('steady');
    for (let i = 1; i <= 8; i++) {
      await sleep(100);
      await busy.send('steady', { payload: text(String(i)) });
    }
    assert.equal(busy.producer('steady'), producer, 'sends every 100 ms keep a 500 ms-idle producer');
    assert.ok(never.producer('steady'), 'producerIdleTimeoutMs 0 keeps it');
    assert.equal(never.producerStats().closedIdle, 0);
    assert.throws(() => make(-1), { code: 'INF_TRANSPORT_OPTIONS' });
  } finally {
    await busy.close();
    await never.close();
  }
});

test('pulsar-ws idle: concurrent sends around idle closes all arrive, exactly once', {
  timeout: 60_000,
}, async () => {
  const transport = make(100); // swept every 25 ms
  try {
    const got = new Collector();
    await transport.subscribe(
      { topic: 'race', subscription: 's', type: 'Shared', concurrency: 16 },
      got.handler(),
    );
    const sends: Promise<void>[] = [];
    let n = 0;
    const burst = (size: number) => {
      for (let i = 0; i < size; i++) sends.push(transport.send('race', { payload: text(String(n++)) }));
    };
    for (let round = 0; round < 12; round++) {
      burst(10);
      if (round % 2 === 0) {
        // Right after the close: the old socket is still closing while the new one opens.
        await untilIdleClosed(transport, 'race');
        burst(10);
      } else {
        // Around the close: 75-150 ms of silence lands on either side of the sweep that closes it.
        await sleep(75 + Math.random() * 75);
        burst(5);
        await sleep(Math.random() * 30);
        burst(5);
      }
      await Promise.all(sends.slice(-20));
    }
    await Promise.all(sends);
    await got.until(n, 20_000);
    await sleep(500); // a duplicate would arrive meanwhile
    const texts = got.texts();
    assert.equal(texts.length, n, 'no duplicate');
    assert.deepEqual(
      new Set(texts),
      new Set(Array.from({ length: n }, (_, i) => String(i))),
      'every message arrived',
    );
    assert.ok(
      transport.producerStats().closedIdle >= 6,
      `closed ${transport.producerStats().closedIdle} times`,
    );
  } finally {
    await transport.close();
  }
});
