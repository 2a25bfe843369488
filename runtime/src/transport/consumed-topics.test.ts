import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsumedTopics } from './consumed-topics.ts';
import { InMemoryTransport } from './in-memory/in-memory-transport.ts';
import { subscriptionFor } from './topics.ts';

test('each topic is ensured once with its standard subscription; a failed attempt is retried', async () => {
  const calls: string[] = [];
  let failNext = true;
  const transport = new (class extends InMemoryTransport {
    override async ensureSubscription(topic: string, subscription: string): Promise<void> {
      calls.push(`${topic} ${subscription}`);
      if (topic === 'b' && failNext) {
        failNext = false;
        throw new Error('broker away');
      }
      return super.ensureSubscription(topic, subscription);
    }
  })();
  const consumed = new ConsumedTopics(transport);
  await Promise.all([consumed.ensure('a'), consumed.ensure('a')]);
  await consumed.ensure('a');
  await assert.rejects(consumed.ensure('b'), /broker away/);
  await consumed.ensure('b');
  await consumed.ensure('b');
  assert.deepEqual(calls, [
    `a ${subscriptionFor('a')}`,
    `b ${subscriptionFor('b')}`,
    `b ${subscriptionFor('b')}`,
  ]);
  await transport.close(0);
});
