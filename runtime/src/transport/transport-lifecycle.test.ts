import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransportLifecycle } from './transport-lifecycle.ts';

test('open: ready follows the consumers, nothing is refused', () => {
  const lifecycle = new TransportLifecycle('the test transport');
  assert.equal(lifecycle.ready([{ connected: true }]), true);
  assert.equal(lifecycle.ready([{ connected: true }, { connected: false }]), false);
  lifecycle.assertOpen();
  lifecycle.assertOpen(true);
});

test('closing refuses subscriptions at once, sends only once drained; close runs once', async () => {
  const lifecycle = new TransportLifecycle('the test transport');
  const calls: string[] = [];
  let finishDrain!: () => void;
  const drained = new Promise<void>((resolve) => {
    finishDrain = resolve;
  });
  const drain = async () => {
    calls.push('drain');
    await drained;
  };
  const release = async () => {
    calls.push('release');
  };
  const first = lifecycle.close(drain, release);
  assert.equal(lifecycle.close(drain, release), first);
  assert.equal(lifecycle.ready([]), false);
  assert.throws(() => lifecycle.assertOpen(), {
    code: 'INF_TRANSPORT_CLOSED',
    message: 'the test transport is closed',
  });
  lifecycle.assertOpen(true); // handlers still draining may send
  finishDrain();
  await first;
  assert.throws(() => lifecycle.assertOpen(true), { code: 'INF_TRANSPORT_CLOSED' });
  assert.deepEqual(calls, ['drain', 'release']);
});
