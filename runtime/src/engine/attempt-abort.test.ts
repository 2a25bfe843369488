import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttemptAbort } from './attempt-abort.ts';

test('abort() aborts a signal already handed out and rejects the race promise', async () => {
  const attempt = new AttemptAbort();
  const { signal } = attempt;
  const aborted = attempt.aborted;
  const reason = new Error('timed out');
  attempt.abort(reason);
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason, reason);
  assert.equal(attempt.reason, reason);
  await assert.rejects(aborted, reason);
  attempt.abort(new Error('second')); // the first reason stays
  assert.equal(attempt.reason, reason);
});

test('a signal or race promise asked for after the abort is already aborted', async () => {
  const attempt = new AttemptAbort();
  const reason = new Error('shutdown');
  attempt.abort(reason);
  assert.equal(attempt.signal.aborted, true);
  assert.equal(attempt.signal.reason, reason);
  await assert.rejects(attempt.aborted, reason);
});

test('nothing is aborted until abort()', () => {
  const attempt = new AttemptAbort();
  assert.equal(attempt.reason, undefined);
  assert.equal(attempt.signal.aborted, false);
});
