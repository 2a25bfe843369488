import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireService, services, uniqueName, waitFor } from '../../test/support/services.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { transportConformance } from './transport-conformance.ts';
import { Collector, sleep, text } from './transport-support.ts';

const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
const tenant = uniqueName('tr');
const namespace = 'conformance';
const make = () =>
  new PulsarWsTransport({ webServiceUrl: services.pulsarAdminUrl, tenant, namespace, clientName: 'conf' });

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, () => admin.clusters());
});

after(async () => {
  await admin.deleteNamespace(tenant, namespace);
  await admin.deleteTenant(tenant);
});

/**
 * Acks have no receipt: waits (bounded) until the broker applied them on `topic`/s, so a later fault
 * does not (rightly, at-least-once) redeliver what the test already counted.
 */
const acksApplied = (topic: string) =>
  waitFor(`acks applied on ${topic}/s`, async () => {
    const stats = await admin.topicStats(tenant, namespace, topic);
    return stats?.subscriptions.s?.msgBacklog === 0 ? true : undefined;
  });

transportConformance('pulsar-ws', async () => make());

test('pulsar-ws: created the tenant and namespace, and stats show backlog and consumers', async () => {
  const transport = make();
  try {
    await transport.ensureSubscription('stats', 's');
    await transport.send('stats', { payload: text('a') });
    await transport.send('stats', { payload: text('b') });
    assert.equal(await admin.namespaceExists(tenant, namespace), true);
    const stats = await admin.topicStats(tenant, namespace, 'stats');
    assert.equal(stats?.subscriptions.s?.msgBacklog, 2);
    const got = new Collector();
    await transport.subscribe(
      { topic: 'stats', subscription: 's', type: 'Shared', consumerName: 'me' },
      got.handler(),
    );
    await got.until(2);
    const later = await admin.topicStats(tenant, namespace, 'stats');
    assert.deepEqual(
      later?.subscriptions.s?.consumers.map((c) => c.consumerName),
      ['me'],
    );
    assert.equal(await admin.topicStats(tenant, namespace, 'missing-topic'), undefined);
    // Acks have no receipt: wait (bounded) until the broker has applied them.
    const overview = await waitFor('acks applied on stats/s', async () => {
      const rows = await admin.subscriptionsOverview(tenant, namespace);
      return rows.find((r) => r.topic === 'stats')?.backlog === 0 ? rows : undefined;
    });
    assert.deepEqual(
      overview.filter((row) => row.topic.startsWith('stats')),
      [
        { topic: 'stats', subscription: 's', backlog: 0, consumers: 1 },
        { topic: 'stats-s-DLQ', subscription: 's-dlq', backlog: 0, consumers: 0 },
      ],
    );
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: a dropped consumer socket reconnects and keeps consuming', { timeout: 30_000 }, async () => {
  const transport = make();
  try {
    const got = new Collector();
    const sub = await transport.subscribe(
      { topic: 'drop', subscription: 's', type: 'Shared' },
      got.handler(),
    );
    await transport.send('drop', { payload: text('before') });
    await got.until(1);
    await acksApplied('drop');
    const consumer = transport.consumers()[0]!;
    assert.equal(consumer, sub);
    consumer.terminate();
    await sleep(20);
    assert.equal(transport.ready(), false, 'not ready while disconnected');
    transport.producer('drop')!.terminate();
    await transport.send('drop', { payload: text('after') });
    await got.until(2);
    assert.deepEqual(got.texts(), ['before', 'after']);
    assert.equal(transport.ready(), true);
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: a send the broker refuses is rejected with a clear error', async () => {
  const transport = new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    connectTimeoutMs: 2000,
  });
  try {
    await transport.send('terminated', { payload: text('first') });
    const res = await admin.request('POST', `/persistent/${tenant}/${namespace}/terminated/terminate`);
    assert.equal(res.status, 200);
    await assert.rejects(
      transport.send('terminated', { payload: text('second') }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INF_TRANSPORT_SEND');
        assert.match(error.message, /topic terminated: send-error/);
        return true;
      },
    );
    // A producer that cannot even open names the topic, the URL and the broker's answer.
    const other = new PulsarWsTransport({
      webServiceUrl: services.pulsarAdminUrl,
      tenant,
      namespace,
      connectTimeoutMs: 1500,
    });
    try {
      await assert.rejects(
        other.send('terminated', { payload: text('x') }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'INF_TRANSPORT_CONNECT');
          assert.match(error.message, /producer of terminated at ws:.*HTTP 5\d\d/);
          return true;
        },
      );
    } finally {
      await other.close();
    }
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: the token goes as Authorization: Bearer on admin calls and sockets', async () => {
  // A local endpoint standing in for the broker only to capture what the client sends.
  const { createServer } = await import('node:http');
  const { WebSocketServer } = await import('ws');
  const seen: Array<{ kind: string; url?: string; auth?: string; extensions?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({ kind: 'http', url: req.url, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    seen.push({
      kind: 'ws',
      url: req.url,
      auth: req.headers.authorization,
      extensions: req.headers['sec-websocket-extensions'],
    });
    socket.on('message', (data) => {
      const { context } = JSON.parse(data.toString()) as { context: string };
      socket.send(JSON.stringify({ result: 'ok', messageId: 'AA==', context }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const transport = new PulsarWsTransport({
    webServiceUrl: `http://127.0.0.1:${port}`,
    tenant: 't',
    namespace: 'ns',
    token: 'secret.jwt.value',
  });
  try {
    await transport.send('topic-a', { payload: text('x') });
    assert.ok(seen.some((s) => s.kind === 'http' && s.url === '/admin/v2/namespaces/t/ns'));
    const socket = seen.find((s) => s.kind === 'ws');
    assert.equal(socket?.url, '/ws/v2/producer/persistent/t/ns/topic-a');
    assert.equal(socket?.extensions, undefined, 'no permessage-deflate offered');
    for (const s of seen) assert.equal(s.auth, 'Bearer secret.jwt.value', `${s.kind} ${s.url}`);
  } finally {
    await transport.close();
    wss.close();
    server.close();
  }
});

test('pulsar-ws: sends left without a receipt fail after sendTimeoutMs, each on its own deadline', async () => {
  const transport = new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    sendTimeoutMs: 400,
    // The dropped socket stays down 0.75-1.5 s (jittered): longer than both deadlines below.
    reconnect: { initialDelayMs: 1500, maxDelayMs: 1500 },
  });
  try {
    await transport.send('timeouts', { payload: text('first') });
    const producer = transport.producer('timeouts')!;
    producer.terminate();
    await waitFor('the producer socket is down', async () => (producer.connected ? undefined : true));
    const started = performance.now();
    const failedAfter = (send: Promise<void>) =>
      send.then(
        () => assert.fail('a send without a receipt resolved'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'INF_TRANSPORT_SEND_TIMEOUT');
          assert.match(error.message, /topic timeouts got no broker receipt within 400 ms/);
          return performance.now() - started;
        },
      );
    const first = failedAfter(transport.send('timeouts', { payload: text('a') }));
    await sleep(200);
    const second = failedAfter(transport.send('timeouts', { payload: text('b') }));
    const [firstMs, secondMs] = await Promise.all([first, second]);
    assert.ok(firstMs >= 390 && firstMs < 580, `first send failed after ${firstMs} ms, not ~400`);
    assert.ok(secondMs >= 590, `second send failed after ${secondMs} ms, not ~600 (its own deadline)`);
    assert.equal(producer.busy, false);
    // Once the socket is back, sends get their receipts again.
    await waitFor('the producer reconnects', async () => (producer.connected ? true : undefined));
    await transport.send('timeouts', { payload: text('c') });
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: a message in flight when the socket drops is redelivered after the reconnect', async () => {
  const transport = make();
  try {
    const got = new Collector();
    let first = true;
    await transport.subscribe({ topic: 'inflight', subscription: 's', type: 'Shared' }, async (m) => {
      got.add(m);
      if (first) {
        first = false;
        transport.consumers()[0]!.terminate(); // the ack of this delivery can no longer reach the broker
        await sleep(100);
      }
    });
    await transport.send('inflight', { payload: text('once') });
    await got.until(2, 20_000);
    assert.deepEqual(got.texts(), ['once', 'once']);
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: consuming continues when the broker unloads the topic', async () => {
  const transport = make();
  try {
    const got = new Collector();
    await transport.subscribe({ topic: 'unload', subscription: 's', type: 'Key_Shared' }, got.handler());
    await transport.send('unload', { payload: text('a'), key: 'k' });
    await got.until(1);
    await acksApplied('unload');
    const res = await admin.request('PUT', `/persistent/${tenant}/${namespace}/unload/unload`);
    assert.equal(res.status, 204);
    await transport.send('unload', { payload: text('b'), key: 'k' });
    await got.until(2, 20_000);
    assert.deepEqual(got.texts(), ['a', 'b']);
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: keepalive pings keep the socket up', async () => {
  const transport = new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    keepAliveIntervalMs: 50,
  });
  try {
    const got = new Collector();
    await transport.subscribe({ topic: 'ping', subscription: 's', type: 'Shared' }, got.handler());
    await sleep(600);
    assert.equal(transport.ready(), true);
    await transport.send('ping', { payload: text('still here') });
    await got.until(1);
  } finally {
    await transport.close();
  }
  assert.throws(
    () =>
      new PulsarWsTransport({ webServiceUrl: 'http://h', tenant, namespace, keepAliveIntervalMs: 300_000 }),
    {
      code: 'INF_TRANSPORT_OPTIONS',
    },
  );
});

test('pulsar-ws: an unreachable broker is a clear error naming the address', async () => {
  const transport = new PulsarWsTransport({ webServiceUrl: 'http://127.0.0.1:9', tenant, namespace });
  try {
    await assert.rejects(transport.send('x', { payload: text('x') }), {
      code: 'INF_PULSAR_ADMIN',
      message: /cannot reach Pulsar admin at http:\/\/127\.0\.0\.1:9 .*ECONNREFUSED/,
    });
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: a 600 kB message goes through; one over the frame limit is refused before sending', async () => {
  const transport = make();
  try {
    const got = new Collector();
    await transport.subscribe({ topic: 'large', subscription: 's', type: 'Shared' }, got.handler());
    const big = new Uint8Array(600_000).fill(7);
    await transport.send('large', { payload: big });
    await got.until(1);
    assert.equal(got.items[0]!.message.payload.length, 600_000);
    await assert.rejects(transport.send('large', { payload: new Uint8Array(900_000) }), {
      code: 'INF_TRANSPORT_MESSAGE_TOO_LARGE',
      message: /900000 bytes for Pulsar topic large exceeds the WebSocket frame limit/,
    });
    await transport.send('large', { payload: text('still fine') });
    await got.until(2);
  } finally {
    await transport.close();
  }
});

test('pulsar-ws: after a network outage the sockets reconnect with back-off and work again', {
  timeout: 30_000,
}, async () => {
  // A TCP relay to the real broker lets the test cut the network: drop every connection, refuse new ones.
  const { createServer, connect } = await import('node:net');
  const broker = new URL(services.pulsarAdminUrl);
  const links = new Set<import('node:net').Socket>();
  let up = true;
  const relay = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect(Number(broker.port || 80), broker.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      links.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        links.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as { port: number }).port;
  const transport = new PulsarWsTransport({
    webServiceUrl: `http://127.0.0.1:${port}`,
    tenant,
    namespace,
    reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
  });
  try {
    const got = new Collector();
    await transport.subscribe({ topic: 'outage', subscription: 's', type: 'Shared' }, got.handler());
    await transport.send('outage', { payload: text('before') });
    await got.until(1);
    await acksApplied('outage');
    up = false;
    for (const link of links) link.destroy();
    await waitFor('ready() to turn false', async () => (transport.ready() ? undefined : true), 5000);
    await sleep(1000); // several refused attempts while down
    assert.equal(transport.ready(), false);
    up = true;
    await waitFor('the consumer to reconnect', async () => (transport.ready() ? true : undefined), 5000);
    await transport.send('outage', { payload: text('after') });
    await got.until(2, 10_000);
    assert.deepEqual(got.texts(), ['before', 'after']);
  } finally {
    await transport.close();
    relay.close();
    for (const link of links) link.destroy();
  }
});

test('pulsar-ws: provisioning honours allowedClusters/adminRoles and createNamespace: false', async () => {
  const other = uniqueName('trp');
  const transport = new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant: other,
    namespace: 'ns',
    admin: { allowedClusters: ['standalone'], adminRoles: ['ops'] },
  });
  try {
    await transport.ensureSubscription('t', 's');
    const info = await admin.call('GET', `/tenants/${other}`);
    assert.deepEqual(info.body, { adminRoles: ['ops'], allowedClusters: ['standalone'] });
    const refusing = new PulsarWsTransport({
      webServiceUrl: services.pulsarAdminUrl,
      tenant: other,
      namespace: 'absent',
      admin: { createNamespace: false },
    });
    await assert.rejects(refusing.send('t', { payload: text('x') }), {
      code: 'INF_TRANSPORT_PROVISION',
      message: new RegExp(`namespace ${other}/absent does not exist and admin.createNamespace is false`),
    });
    await refusing.close();
  } finally {
    await transport.close();
    await admin.deleteNamespace(other, 'ns');
    await admin.deleteTenant(other);
  }
});

test('pulsar-ws: a second Exclusive consumer is refused at once, saying why', async () => {
  const transport = make();
  try {
    await transport.subscribe({ topic: 'exclusive', subscription: 's', type: 'Exclusive' }, async () => {});
    const started = Date.now();
    await assert.rejects(
      transport.subscribe({ topic: 'exclusive', subscription: 's', type: 'Exclusive' }, async () => {}),
      {
        code: 'INF_TRANSPORT_CONNECT',
        message: /consumer of exclusive\/s at ws:.*HTTP 409.*subscription busy/,
      },
    );
    assert.ok(Date.now() - started < 5000, 'refused without waiting for the connect timeout');
    assert.equal(transport.ready(), true, 'the refused consumer does not count');
  } finally {
    await transport.close();
  }
});
