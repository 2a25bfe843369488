import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttemptSlots } from './attempt-slots.ts';

test('hands out `size` slots, then serves waiters in arrival order as slots are released', async () => {
  const slots = new AttemptSlots(2);
  assert.equal(slots.tryAcquire(), true);
  assert.equal(slots.tryAcquire(), true);
  assert.equal(slots.tryAcquire(), false);
  const order: number[] = [];
  const first = slots.acquire().then(() => order.push(1));
  const second = slots.acquire().then(() => order.push(2));
  slots.release();
  await first;
  assert.deepEqual(order, [1]);
  assert.equal(slots.tryAcquire(), false, 'the released slot went to the first waiter');
  slots.release();
  await second;
  assert.deepEqual(order, [1, 2]);
  slots.release();
  slots.release();
  assert.equal(slots.tryAcquire(), true);
});

test('close() rejects the waiters and refuses new attempts', async () => {
  const slots = new AttemptSlots(1);
  assert.equal(slots.tryAcquire(), true);
  const waiting = slots.acquire();
  const reason = new Error('shutting down');
  slots.close(reason);
  await assert.rejects(waiting, reason);
  await assert.rejects(slots.acquire(), reason);
  slots.release();
  assert.equal(slots.tryAcquire(), false);
});
