import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireHeavySlot } from './heavy-slot.ts';

const dir = mkdtempSync(join(tmpdir(), 'heavy-slot-test-'));
const saved = { dir: process.env.TEST_HEAVY_SLOTS_DIR, slots: process.env.TEST_HEAVY_SLOTS };
beforeEach(() => {
  process.env.TEST_HEAVY_SLOTS_DIR = dir;
  process.env.TEST_HEAVY_SLOTS = '1';
});
after(() => {
  for (const [key, value] of [
    ['TEST_HEAVY_SLOTS_DIR', saved.dir],
    ['TEST_HEAVY_SLOTS', saved.slots],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a second holder waits until the first frees the slot', async () => {
  const first = await acquireHeavySlot();
  let secondHolds = false;
  const second = acquireHeavySlot().then((release) => {
    secondHolds = true;
    return release;
  });
  await sleep(1200);
  assert.equal(secondHolds, false, 'one slot: the second waits');
  first();
  const release = await second;
  assert.equal(secondHolds, true);
  release();
  assert.deepEqual(readdirSync(dir), [], 'freed slots leave no file');
});

test('the slot of a process that died is taken over', async () => {
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(join(dir, 'slot-0'), dead.stdout.trim());
  const release = await Promise.race([
    acquireHeavySlot(),
    sleep(5000).then(() => assert.fail('a dead owner kept its slot')),
  ]);
  release();
});
