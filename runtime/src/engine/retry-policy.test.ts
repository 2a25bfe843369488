import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonRetryableError } from './errors.ts';
import { exponentialBackoffRetry, noRetry, retryPolicyFrom } from './retry-policy.ts';

const boom = new Error('boom');

test('delay follows min(max, min * coef^retry) scaled by the random factor', () => {
  const mid = exponentialBackoffRetry(
    { minimumSeconds: 1, maximumSeconds: 10, backoffCoefficient: 2 },
    () => 0.5,
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((r) => mid.secondsBeforeRetry(r, boom)),
    [1, 2, 4, 8, 10, 10],
  );
  const low = exponentialBackoffRetry({ minimumSeconds: 1, randomFactor: 0.5 }, () => 0);
  const high = exponentialBackoffRetry({ minimumSeconds: 1, randomFactor: 0.5 }, () => 1);
  assert.equal(low.secondsBeforeRetry(2, boom), 4 * 0.5);
  assert.equal(high.secondsBeforeRetry(2, boom), 4 * 1.5);
});

test('defaults are Infinitic’s: 11 retries, 1 s, x2, cap 1000 s', () => {
  const policy = exponentialBackoffRetry({}, () => 0.5);
  assert.equal(policy.secondsBeforeRetry(0, boom), 1);
  assert.equal(policy.secondsBeforeRetry(10, boom), 1000);
  assert.equal(policy.secondsBeforeRetry(11, boom), undefined);
});

test('stops at maximumRetries', () => {
  const policy = exponentialBackoffRetry({ maximumRetries: 2 }, () => 0.5);
  assert.equal(policy.secondsBeforeRetry(1, boom), 2);
  assert.equal(policy.secondsBeforeRetry(2, boom), undefined);
  assert.equal(exponentialBackoffRetry({ maximumRetries: 0 }).secondsBeforeRetry(0, boom), undefined);
});

test('ignoredExceptions match the error name or a class it extends; NonRetryableError always stops', () => {
  class DbError extends Error {}
  class DeadlockError extends DbError {
    override name = 'DeadlockError';
  }
  const policy = exponentialBackoffRetry({ ignoredExceptions: ['DbError', 'TypeError'] }, () => 0.5);
  assert.equal(policy.secondsBeforeRetry(0, new DeadlockError('x')), undefined);
  assert.equal(policy.secondsBeforeRetry(0, new TypeError('x')), undefined);
  assert.equal(policy.secondsBeforeRetry(0, new RangeError('x')), 1);
  assert.equal(policy.secondsBeforeRetry(0, new NonRetryableError('x')), undefined);
});

test('invalid settings are rejected with Infinitic’s rules', () => {
  assert.throws(() => exponentialBackoffRetry({ minimumSeconds: 0 }), /minimumSeconds must be > 0/);
  assert.throws(
    () => exponentialBackoffRetry({ minimumSeconds: 2, maximumSeconds: 1 }),
    /maximumSeconds MUST be > minimumSeconds/,
  );
  assert.throws(
    () => exponentialBackoffRetry({ backoffCoefficient: 0.5 }),
    /backoffCoefficient must be >= 1/,
  );
  assert.throws(() => exponentialBackoffRetry({ randomFactor: 2 }), /randomFactor must be in \[0, 1\]/);
  assert.throws(
    () => exponentialBackoffRetry({ maximumRetries: -1 }),
    /maximumRetries must be an integer >= 0/,
  );
});

test('no policy means no retry; {} means back-off with defaults', () => {
  assert.equal(retryPolicyFrom(undefined), noRetry);
  assert.equal(retryPolicyFrom(undefined).secondsBeforeRetry(0, boom), undefined);
  assert.notEqual(retryPolicyFrom({}).secondsBeforeRetry(0, boom), undefined);
});

test('the cap defaults to 1000 × minimumSeconds, and the config accepts a large minimum without a cap', async () => {
  const policy = exponentialBackoffRetry({ minimumSeconds: 2000, randomFactor: 0 }, () => 0.5);
  assert.equal(policy.secondsBeforeRetry(9, boom), 2000 * 2 ** 9);
  assert.equal(policy.secondsBeforeRetry(10, boom), 2000 * 1000);
  const { parseConfig } = await import('../config/index.ts');
  const config = parseConfig({
    transport: 'inMemory',
    storage: 'inMemory',
    services: [{ name: 'S', executor: { retry: { minimumSeconds: 2000 } } }],
  });
  assert.equal(config.services[0]?.executor?.retry?.maximumSeconds, undefined);
});
