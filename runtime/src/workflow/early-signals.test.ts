import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryStorage } from '../storage/in-memory-storage.ts';
import {
  clearEarlySignals,
  earlySignalsKey,
  forgetEarlySignal,
  keepEarlySignal,
  loadEarlySignals,
  MAX_EARLY_SIGNALS,
  type SignalEvent,
} from './early-signals.ts';
import { decodeEngineMessage, type SignalMessage } from './messages.ts';
import type { Send } from './outgoing.ts';

const sig = (id: string): SignalEvent => ({ t: 'sig', ch: 'go', v: id, id, at: 1 });

test('signals are kept in arrival order, once per id, at most MAX_EARLY_SIGNALS', async () => {
  const storage = new InMemoryStorage();
  assert.equal(await keepEarlySignal(storage, 'W', 'w1', sig('a')), true);
  assert.equal(await keepEarlySignal(storage, 'W', 'w1', sig('b')), true);
  assert.equal(await keepEarlySignal(storage, 'W', 'w1', sig('a')), true, 'a duplicate is absorbed');
  const kept = await loadEarlySignals(storage, 'W', 'w1');
  assert.deepEqual(
    kept.signals.map((s) => s.id),
    ['a', 'b'],
  );
  for (let i = 2; i < MAX_EARLY_SIGNALS; i += 1) await keepEarlySignal(storage, 'W', 'w1', sig(`s${i}`));
  assert.equal(await keepEarlySignal(storage, 'W', 'w1', sig('over')), false);
  await forgetEarlySignal(storage, 'W', 'w1', 'a');
  assert.equal((await loadEarlySignals(storage, 'W', 'w1')).signals[0]?.id, 'b');
});

test('clearing after a start re-sends, as ordinary signals, those kept after the start read them', async () => {
  const storage = new InMemoryStorage();
  await keepEarlySignal(storage, 'W', 'w1', sig('a'));
  const applied = await loadEarlySignals(storage, 'W', 'w1');
  await keepEarlySignal(storage, 'W', 'w1', sig('late')); // kept by another consumer meanwhile
  const sent: Send[] = [];
  await clearEarlySignals(storage, 'W', 'w1', applied, async (s) => void sent.push(...s), 'worker-1');
  assert.equal(await storage.keyValue.get(earlySignalsKey('W', 'w1')), undefined);
  assert.equal(sent.length, 1);
  const message = decodeEngineMessage(sent[0]?.message.payload as Uint8Array) as SignalMessage;
  assert.equal(sent[0]?.message.key, 'w1');
  assert.deepEqual(
    [message.type, message.signalId, message.channel, message.value],
    ['signal', 'late', 'go', 'late'],
  );
});
