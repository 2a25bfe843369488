/**
 * Signals sent to a workflow id before its instance exists (a client that signals an order id it
 * knows while the start is still on its way, or from another process) are kept, not dropped: they
 * wait under their own key and the start applies them, in the order they came, right after the
 * code's first step. Kept only when the id has no record at all (an instance that ended, even
 * long ago, drops them as before). At most MAX_EARLY_SIGNALS per id; beyond, the newest are
 * dropped (and logged by the engine).
 *
 * Races (two consumers on one id, as during a rebalance): the keeper checks after its write that
 * the instance still does not exist (else it takes its signal back and re-processes it the
 * ordinary way), and a starter that found kept signals deletes the key by compare-and-set,
 * re-sending as ordinary signals any kept after it read the key. Signal ids make every path
 * idempotent. Left open, to keep a start at one extra read: a signal kept between a starter's read
 * that found none and its state write, while the keeper's check ran before that write.
 */
import { decodeJson, encodeJson } from '../codec/json-codec.ts';
import type { Storage } from '../storage/storage.ts';
import { topics } from '../transport/topics.ts';
import { encodeWorkflowMessage, type SignalMessage } from './messages.ts';
import type { Send } from './outgoing.ts';
import type { EventEntry } from './state.ts';

export type SignalEvent = Extract<EventEntry, { t: 'sig' }>;

export const MAX_EARLY_SIGNALS = 100;

/** Storage key of the signals kept for a workflow id that does not exist yet. */
export function earlySignalsKey(workflowName: string, workflowId: string): string {
  return `workflow.signals.${workflowName}.${workflowId}`;
}

export interface EarlySignals {
  signals: SignalEvent[];
  /** Storage version they were read at (0 = none kept). */
  version: number;
}

export async function loadEarlySignals(
  storage: Storage,
  workflowName: string,
  workflowId: string,
): Promise<EarlySignals> {
  const { value, version } = await storage.keyValue.getWithVersion(earlySignalsKey(workflowName, workflowId));
  return { signals: (value ? decodeJson<SignalEvent[]>(value) : undefined) ?? [], version };
}

/** Compare-and-set update of the kept list; retries on conflicts. */
async function update(
  storage: Storage,
  workflowName: string,
  workflowId: string,
  change: (signals: SignalEvent[]) => SignalEvent[] | undefined,
): Promise<void> {
  const key = earlySignalsKey(workflowName, workflowId);
  for (;;) {
    const { signals, version } = await loadEarlySignals(storage, workflowName, workflowId);
    const next = change(signals);
    if (!next) return;
    const value = next.length > 0 ? encodeJson(next) : undefined;
    if (await storage.keyValue.putWithVersion(key, value, version)) return;
  }
}

/** Keeps `signal` for a later start; false when the id already holds MAX_EARLY_SIGNALS. */
export async function keepEarlySignal(
  storage: Storage,
  workflowName: string,
  workflowId: string,
  signal: SignalEvent,
): Promise<boolean> {
  let kept = true;
  await update(storage, workflowName, workflowId, (signals) => {
    if (signals.some((s) => s.id === signal.id)) return undefined;
    kept = signals.length < MAX_EARLY_SIGNALS;
    return kept ? [...signals, signal] : undefined;
  });
  return kept;
}

/** Takes a kept signal back (its instance appeared meanwhile and gets it the ordinary way). */
export function forgetEarlySignal(
  storage: Storage,
  workflowName: string,
  workflowId: string,
  signalId: string,
): Promise<void> {
  return update(storage, workflowName, workflowId, (signals) =>
    signals.some((s) => s.id === signalId) ? signals.filter((s) => s.id !== signalId) : undefined,
  );
}

/**
 * After the start that applied `applied` (read at `version`) is written: deletes the kept list.
 * Signals kept since that read are re-sent to the instance as ordinary signals first.
 */
export async function clearEarlySignals(
  storage: Storage,
  workflowName: string,
  workflowId: string,
  applied: EarlySignals,
  send: (sends: Send[]) => Promise<void>,
  emitterName: string,
): Promise<void> {
  const key = earlySignalsKey(workflowName, workflowId);
  const done = new Set(applied.signals.map((s) => s.id));
  let version = applied.version;
  for (;;) {
    if (await storage.keyValue.putWithVersion(key, undefined, version)) return;
    const fresh = await loadEarlySignals(storage, workflowName, workflowId);
    if (fresh.version === 0) return;
    const late = fresh.signals.filter((s) => !done.has(s.id));
    await send(late.map((s) => signalSend(workflowName, workflowId, s, emitterName)));
    for (const s of late) done.add(s.id);
    version = fresh.version;
  }
}

function signalSend(
  workflowName: string,
  workflowId: string,
  signal: SignalEvent,
  emitterName: string,
): Send {
  const message: SignalMessage = {
    type: 'signal',
    messageId: `${signal.id}:kept`,
    signalId: signal.id,
    workflowName,
    workflowId,
    channel: signal.ch,
    value: signal.v,
    emitterName,
  };
  return {
    topic: topics.workflowEngine(workflowName),
    message: { payload: encodeWorkflowMessage(message), key: workflowId },
  };
}
