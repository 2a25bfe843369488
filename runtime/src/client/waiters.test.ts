import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Waiters } from './waiters.ts';

test('one waiter per key, settled once; close rejects the pending ones', async () => {
  const waiters = new Waiters<number>();
  const a = waiters.for('a');
  assert.equal(waiters.for('a'), a, 'the same waiter for the same key');
  waiters.settle('a', 1);
  waiters.settle('a', 2); // a duplicate outcome is ignored
  assert.equal(await a.promise, 1);
  assert.equal(waiters.isPending('a', a), false);
  const b = waiters.for('b');
  waiters.drop('b');
  assert.notEqual(waiters.for('b'), b, 'a dropped key starts anew');
  waiters.rejectAll((key) => new Error(`closed: ${key}`));
  const c = new Waiters<number>();
  const pending = c.for('x');
  c.rejectAll((key) => new Error(`closed: ${key}`));
  await assert.rejects(pending.promise, /closed: x/);
});
