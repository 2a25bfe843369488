/**
 * Frames over the WebSocket transport leave in shared writes (WsConnection corks the socket for the
 * rest of the event-loop turn): every ack must still reach the broker, while the consumer runs and
 * when it closes right after its handlers resolved.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireService, services, uniqueName, waitFor } from '../../test/support/services.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { Collector, text } from './transport-support.ts';

const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
const tenant = uniqueName('acks');
const namespace = 'acks';
const make = () =>
  new PulsarWsTransport({ webServiceUrl: services.pulsarAdminUrl, tenant, namespace, clientName: 'acks' });

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, () => admin.clusters());
});

after(async () => {
  await admin.deleteNamespace(tenant, namespace).catch(() => {});
  await admin.deleteTenant(tenant).catch(() => {});
});

const backlog = async (topic: string) =>
  (await admin.topicStats(tenant, namespace, topic))?.subscriptions.s?.msgBacklog;

test('pulsar-ws: every ack of a busy consumer reaches the broker', async () => {
  const transport = make();
  try {
    await transport.ensureSubscription('busy', 's');
    const got = new Collector();
    await transport.subscribe(
      { topic: 'busy', subscription: 's', type: 'Shared', concurrency: 16 },
      got.handler(),
    );
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => transport.send('busy', { payload: text(`m${i}`) })),
    );
    await got.until(300);
    await waitFor('backlog 0 on busy/s', async () => ((await backlog('busy')) === 0 ? true : undefined));
    assert.equal(new Set(got.texts()).size, 300);
  } finally {
    await transport.close(0);
  }
});

test('pulsar-ws: acks still waiting in a corked write leave before the socket closes', async () => {
  const transport = make();
  await transport.ensureSubscription('closing', 's');
  for (let i = 0; i < 20; i++) await transport.send('closing', { payload: text(`m${i}`) });
  assert.equal(await backlog('closing'), 20);
  const got = new Collector();
  await transport.subscribe(
    { topic: 'closing', subscription: 's', type: 'Shared', concurrency: 20 },
    got.handler(),
  );
  await got.until(20);
  await new Promise((resolve) => setImmediate(resolve)); // handlers settled: acks queued, not yet written
  await transport.close(0);
  // No consumer is left to receive anything: only the acks sent before closing can empty the backlog.
  const left = await waitFor('backlog 0 on closing/s after close', async () => {
    const n = await backlog('closing');
    return n === 0 ? n : undefined;
  });
  assert.equal(left, 0);
});
