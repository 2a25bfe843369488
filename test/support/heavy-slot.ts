/**
 * A limit, across the test runner's processes, on test files that start Pulsar JVMs (broker
 * containers, a broker with authorization, pulsar-admin runs) or build images. `node --test` runs
 * files in parallel processes; on a 2-core machine three such files side by side kept a broker
 * container unhealthy for over 100 s and pushed tests past their time bounds.
 *
 * `holdHeavySlot()`, called at the top of such a file, makes it wait for one of TEST_HEAVY_SLOTS
 * (default 2) slots before its tests and frees the slot after them. A slot is a file created
 * exclusively and holding its owner's pid; the slot of an owner that died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 500;

const slotsDir = () => process.env.TEST_HEAVY_SLOTS_DIR ?? join(tmpdir(), 'create-infinitic-app-heavy-slots');

function slotCount(): number {
  const n = Number(process.env.TEST_HEAVY_SLOTS ?? 2);
  return Number.isInteger(n) && n > 0 ? n : 2;
}

/** Whether the slot's owner died (killed before its `exit` handler could free the slot). */
function ownerDied(slot: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(slot, 'utf8'));
  } catch {
    return false; // freed meanwhile
  }
  if (!Number.isInteger(pid) || pid <= 0) return false; // created, pid not written yet
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function tryTake(slot: string): boolean {
  try {
    writeFileSync(slot, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

/** Waits for a free slot; resolves with the function that frees it. */
export async function acquireHeavySlot(): Promise<() => void> {
  const dir = slotsDir();
  mkdirSync(dir, { recursive: true });
  const slots = Array.from({ length: slotCount() }, (_, i) => join(dir, `slot-${i}`));
  for (;;) {
    for (const slot of slots) {
      if (tryTake(slot)) {
        const free = () => rmSync(slot, { force: true });
        process.once('exit', free);
        return () => {
          process.removeListener('exit', free);
          free();
        };
      }
      // A dead owner's slot is removed, then raced for like any other. Two waiters seeing the same
      // dead owner at once could let one file too many in: rare (it takes a killed test process).
      if (ownerDied(slot)) rmSync(slot, { force: true });
    }
    await sleep(POLL_MS);
  }
}

/** Holds a heavy slot for the whole file. Call it at the top of the file, before its other hooks. */
export function holdHeavySlot(): void {
  let release: (() => void) | undefined;
  before(async () => {
    release = await acquireHeavySlot();
  });
  after(() => release?.());
}
