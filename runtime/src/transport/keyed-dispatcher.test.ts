import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedDispatcher } from './keyed-dispatcher.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

test('keyed: one item per key at a time, in arrival order, others in parallel up to concurrency', async () => {
  const log: string[] = [];
  let inFlight = 0;
  let max = 0;
  const d = new KeyedDispatcher<{ key?: string; n: number }>({
    concurrency: 3,
    keyed: true,
    run: async (item) => {
      inFlight++;
      max = Math.max(max, inFlight);
      log.push(`start ${item.key}${item.n}`);
      await tick();
      log.push(`end ${item.key}${item.n}`);
      inFlight--;
    },
  });
  for (const [key, n] of [
    ['a', 1],
    ['a', 2],
    ['b', 1],
    ['c', 1],
    ['d', 1],
    ['a', 3],
  ] as const)
    d.push({ key, n });
  assert.equal(await d.idle(1000), true);
  assert.equal(max, 3);
  const a = log.filter((l) => l.split(' ')[1]!.startsWith('a'));
  assert.deepEqual(a, ['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  assert.ok(log.indexOf('start b1') < log.indexOf('end a1'), 'b runs beside a');
});

test('unkeyed: items of one key run in parallel; pause stops new starts; drop forgets queued items', async () => {
  let started = 0;
  const d = new KeyedDispatcher<{ key?: string; n: number }>({
    concurrency: 2,
    keyed: false,
    run: async () => {
      started++;
      await tick(20);
    },
  });
  for (let n = 0; n < 6; n++) d.push({ key: 'same', n });
  assert.equal(d.inFlight, 2);
  d.drop((item) => item.n === 5);
  assert.equal(d.queued, 3);
  d.pause();
  assert.equal(await d.idle(1), false, 'idle(ms) gives up while handlers run');
  assert.equal(await d.idle(1000), true);
  assert.equal(started, 2);
});
