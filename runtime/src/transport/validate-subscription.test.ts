import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSubscription } from './validate-subscription.ts';

test('valid subscription options pass', () => {
  validateSubscription({
    topic: 't',
    subscription: 's',
    type: 'Key_Shared',
    concurrency: 4,
    maxRedeliverCount: 0,
  });
});

test('each bad option is named, with the subscription and topic', () => {
  const base = { topic: 'task-executor:A', subscription: 'sub', type: 'Shared' as const };
  assert.throws(() => validateSubscription({ ...base, concurrency: 0 }), {
    code: 'INF_TRANSPORT_OPTIONS',
    message: 'concurrency must be an integer >= 1 (got 0) (subscription "sub" on topic "task-executor:A")',
  });
  assert.throws(() => validateSubscription({ ...base, concurrency: 1.5 }), /concurrency/);
  assert.throws(() => validateSubscription({ ...base, maxRedeliverCount: -1 }), /maxRedeliverCount/);
  assert.throws(
    () => validateSubscription({ ...base, negativeAckRedeliveryDelayMs: Number.NaN }),
    /negativeAck/,
  );
  assert.throws(
    () => validateSubscription({ ...base, type: 'KeyShared' as never }),
    /type must be one of Shared, Key_Shared/,
  );
  assert.throws(() => validateSubscription({ ...base, topic: '' }), /topic must be a non-empty string/);
});
