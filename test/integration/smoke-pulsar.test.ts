import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { requireService, services, uniqueName, waitFor } from '../support/services.ts';

const tenant = uniqueName('smoke');
const namespace = 'ns';
const admin = (path: string, init?: RequestInit) =>
  fetch(`${services.pulsarAdminUrl}/admin/v2${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });

interface TopicStats {
  msgInCounter: number;
  subscriptions: Record<string, { msgBacklog: number; type: string; consumers: unknown[] }>;
}

async function expectOk(response: Response, what: string) {
  assert.ok(response.ok, `${what}: HTTP ${response.status} ${await response.text()}`);
}

/** Opens a WebSocket without permessage-deflate (4x throughput, see reference pulsar.md §5). */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, async () => {
    const health = await fetch(`${services.pulsarAdminUrl}/admin/v2/brokers/health`);
    assert.equal(await health.text(), 'ok');
  });
  await expectOk(
    await admin(`/tenants/${tenant}`, {
      method: 'PUT',
      body: JSON.stringify({ allowedClusters: ['standalone'] }),
    }),
    'create tenant',
  );
  await expectOk(await admin(`/namespaces/${tenant}/${namespace}`, { method: 'PUT' }), 'create namespace');
});

after(async () => {
  // Brokers refuse ?force=true on namespaces and tenants unless configured to (405): topics first.
  const listed = await admin(`/persistent/${tenant}/${namespace}`);
  const topics = listed.ok ? ((await listed.json()) as string[]) : [];
  for (const topic of topics) {
    const name = encodeURIComponent(topic.slice(topic.lastIndexOf('/') + 1));
    await admin(`/persistent/${tenant}/${namespace}/${name}?force=true`, { method: 'DELETE' });
  }
  await expectOk(await admin(`/namespaces/${tenant}/${namespace}`, { method: 'DELETE' }), 'delete namespace');
  await expectOk(await admin(`/tenants/${tenant}`, { method: 'DELETE' }), 'delete tenant');
});

test('Pulsar WebSocket: keyed messages over a Key_Shared subscription keep per-key order; admin stats see them', async () => {
  const topic = `persistent/${tenant}/${namespace}/smoke`;
  const subscription = 'workers';
  // the subscription is created over REST from the earliest position, as the transport does
  await expectOk(
    await admin(`/persistent/${tenant}/${namespace}/smoke/subscription/${subscription}`, {
      method: 'PUT',
      body: JSON.stringify({ ledgerId: -1, entryId: -1 }),
    }),
    'create subscription',
  );

  // both consumers join before anything is published: Key_Shared hash ranges are then fixed, so a key
  // never moves between consumers (it may when a consumer joins mid-stream)
  const received = new Map<string, { consumer: number; seq: number[] }>();
  const movedKeys = new Set<string>();
  const consumerUrl = `${services.pulsarWsUrl}/ws/v2/consumer/${topic}/${subscription}?subscriptionType=Key_Shared`;
  const consumers = await Promise.all([open(consumerUrl), open(consumerUrl)]);
  consumers.forEach((ws, index) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      const [key, seq] = Buffer.from(message.payload, 'base64').toString().split(':');
      const entry = received.get(key) ?? { consumer: index, seq: [] };
      if (entry.consumer !== index) movedKeys.add(key);
      entry.seq.push(Number(seq));
      received.set(key, entry);
      ws.send(JSON.stringify({ messageId: message.messageId }));
    });
  });

  const producer = await open(`${services.pulsarWsUrl}/ws/v2/producer/${topic}`);
  const keys = ['a', 'b', 'c', 'd'];
  const perKey = 10;
  // one listener answers every receipt by its context
  const pending = new Map<string, { resolve: (id: string) => void; reject: (e: Error) => void }>();
  producer.on('message', (data) => {
    const reply = JSON.parse(data.toString());
    const waiter = pending.get(reply.context);
    pending.delete(reply.context);
    reply.result === 'ok' ? waiter?.resolve(reply.messageId) : waiter?.reject(new Error(reply.errorMsg));
  });
  const receipts: Promise<string>[] = [];
  for (let i = 0; i < perKey; i++) {
    for (const key of keys) {
      const context = `${key}-${i}`;
      receipts.push(new Promise((resolve, reject) => pending.set(context, { resolve, reject })));
      producer.send(JSON.stringify({ payload: Buffer.from(`${key}:${i}`).toString('base64'), key, context }));
    }
  }
  await Promise.all(receipts);
  producer.close();

  await waitFor('all keyed messages', async () =>
    [...received.values()].reduce((n, e) => n + e.seq.length, 0) === keys.length * perKey ? true : undefined,
  );
  assert.deepEqual([...movedKeys], [], 'keys delivered to two consumers');
  for (const key of keys) {
    assert.deepEqual(received.get(key)?.seq, [...Array(perKey).keys()], `order of key ${key}`);
  }

  const stats = await waitFor('acked backlog of 0 in topic stats', async () => {
    const response = await admin(`/persistent/${tenant}/${namespace}/smoke/stats`);
    const body = (await response.json()) as TopicStats;
    return body.subscriptions?.[subscription]?.msgBacklog === 0 ? body : undefined;
  });
  assert.equal(stats.msgInCounter, keys.length * perKey);
  assert.equal(stats.subscriptions[subscription].type, 'Key_Shared');
  assert.equal(stats.subscriptions[subscription].consumers.length, 2);
  for (const ws of consumers) ws.close();
});
