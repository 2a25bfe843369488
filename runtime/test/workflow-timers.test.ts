/**
 * Timers never fire early. Pulsar may deliver a delayed message up to its tick early
 * (isDelayedDeliveryDeliverAtTimeStrict=false, the default); here a transport models that.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createLogger } from '../src/observability/logger.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import type { OutgoingMessage } from '../src/transport/transport.ts';
import { WorkflowClient } from '../src/workflow/workflow-client.ts';
import { earlyTimer, MAX_HELD_EARLY_MS, WorkflowEngine } from '../src/workflow/workflow-engine.ts';
import { timerWorkflow } from './fixtures/workflow-definitions.ts';

/** Delivers every delayed message `tickMs` before it is due, as a non-strict Pulsar tick may. */
class EarlyTransport extends InMemoryTransport {
  readonly tickMs: number;
  constructor(tickMs: number) {
    super();
    this.tickMs = tickMs;
  }
  override send(topic: string, message: OutgoingMessage): Promise<void> {
    const { deliverAfterMs } = message;
    if (!deliverAfterMs) return super.send(topic, message);
    return super.send(topic, { ...message, deliverAfterMs: Math.max(0, deliverAfterMs - this.tickMs) });
  }
}

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

test('a timer delivered 200 ms early still fires when due: now() moves by the full duration', async () => {
  const transport = new EarlyTransport(200);
  const storage = new InMemoryStorage();
  const engine = new WorkflowEngine({
    transport,
    storage,
    workerName: 'w',
    logger: createLogger({ level: 'silent' }),
    workflows: { Timer: timerWorkflow },
  });
  await engine.start();
  const client = new WorkflowClient({ transport, storage });
  closers.push(
    () => transport.close(0),
    () => engine.close(),
    () => client.close(),
  );
  const started = Date.now();
  const r = await client.startWorkflow<{ before: number; after: number }>('Timer', 'run', [300], {
    timeoutMs: 10_000,
  });
  assert.ok(r.after - r.before >= 300, `now() moved by ${r.after - r.before} ms`);
  assert.ok(Date.now() - started >= 300, `waited ${Date.now() - started} ms`);
});

test('an early timer is held when the remainder is short, sent back to the broker when long', () => {
  assert.deepEqual(earlyTimer(1000, 1000), {});
  assert.deepEqual(earlyTimer(1000, 1500), {});
  assert.deepEqual(earlyTimer(1000, 800), { hold: 200 });
  assert.deepEqual(earlyTimer(10_000, 1000), { reschedule: 9000 });
  assert.deepEqual(earlyTimer(1000 + MAX_HELD_EARLY_MS, 1000), { hold: MAX_HELD_EARLY_MS });
});
