import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PooledProducer, ProducerPool } from './producer-pool.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A producer as the pool sees it: a send count, a busy flag, a close. */
class Counting implements PooledProducer {
  sends = 0;
  busy = false;
  closed = 0;
  async close(): Promise<void> {
    this.closed++;
  }
}

test('producer pool: an idle producer is closed and dropped; a used or busy one is kept', async () => {
  const pool = new ProducerPool<Counting>(150);
  const idle = new Counting();
  const used = new Counting();
  const busy = new Counting();
  pool.add('idle', idle);
  pool.add('used', used);
  pool.add('busy', busy);
  busy.busy = true;
  const until = Date.now() + 500;
  while (Date.now() < until) {
    used.sends++;
    await sleep(10);
  }
  assert.equal(pool.get('idle'), undefined);
  assert.equal(idle.closed, 1);
  assert.equal(pool.get('used'), used);
  assert.equal(pool.get('busy'), busy, 'a send awaiting its receipt keeps it');
  assert.equal(pool.retired, 1);
  busy.busy = false;
  const deadline = Date.now() + 3000;
  while (pool.get('busy') && Date.now() < deadline) await sleep(10);
  assert.equal(pool.get('busy'), undefined, 'closed once its receipt came and it stayed quiet');
  await pool.closeAll();
  assert.equal(used.closed, 1);
  assert.equal(pool.size, 0);
});

test('producer pool: remove drops only the producer still held; 0 never closes; bad values refused', async () => {
  const pool = new ProducerPool<Counting>(0);
  const first = new Counting();
  const second = new Counting();
  pool.add('t', first);
  pool.add('t', second);
  assert.equal(pool.remove('t', first), false);
  assert.equal(pool.get('t'), second);
  await sleep(30);
  assert.equal(pool.get('t'), second);
  assert.equal(pool.remove('t', second), true);
  assert.equal(pool.size, 0);
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new ProducerPool(bad), {
      code: 'INF_TRANSPORT_OPTIONS',
      message: /producerIdleTimeoutMs must be a number of ms >= 0/,
    });
  }
});
