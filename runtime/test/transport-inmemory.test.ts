import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { transportConformance } from './transport-conformance.ts';
import { Collector, text } from './transport-support.ts';

transportConformance('inMemory', async () => new InMemoryTransport(), { lateToleranceMs: 200 });

test('inMemory: a second Exclusive consumer is refused; stats show backlog', async () => {
  const transport = new InMemoryTransport();
  try {
    await transport.ensureSubscription('t', 's');
    await transport.send('t', { payload: text('x') });
    assert.deepEqual(transport.stats(), [{ topic: 't', subscription: 's', backlog: 1, consumers: 0 }]);
    const got = new Collector();
    await transport.subscribe({ topic: 't', subscription: 's', type: 'Exclusive' }, got.handler());
    await assert.rejects(
      transport.subscribe({ topic: 't', subscription: 's', type: 'Exclusive' }, got.handler()),
      { code: 'INF_TRANSPORT_SUBSCRIPTION_BUSY' },
    );
    await got.until(1);
    assert.equal(transport.backlog('t', 's'), 0);
  } finally {
    await transport.close();
  }
  await assert.rejects(transport.send('t', { payload: text('y') }), { code: 'INF_TRANSPORT_CLOSED' });
});
