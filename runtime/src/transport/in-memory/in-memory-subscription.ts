/**
 * One durable subscription of the in-memory broker: it buffers every message published after it
 * was created and dispatches them to its consumers with the contract's semantics (Shared spread,
 * Key_Shared affinity and per-key order, concurrency, nack delay, DLQ after maxRedeliverCount).
 */
import type { MessageHandler, ReceivedMessage, SubscriptionOptions } from '../transport.ts';

export interface StoredMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly topic: string;
  readonly payload: Buffer;
  readonly key?: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly publishTime: number;
}

interface Pending {
  readonly message: StoredMessage;
  readonly redeliveryCount: number;
}

export interface Delivery {
  readonly entry: Pending;
  settled: boolean;
}

export interface Consumer {
  readonly options: Readonly<SubscriptionOptions>;
  readonly handler: MessageHandler;
  readonly concurrency: number;
  inFlight: number;
  open: boolean;
  /** Deliveries whose handler has not settled yet. */
  readonly deliveries: Set<Delivery>;
  /** Settles when `inFlight` drops to 0 (set while someone waits). */
  drained?: () => void;
}

/** Sends a dead letter on behalf of the subscription (the broker's own producer). */
export type DeadLetterSink = (
  topic: string,
  message: StoredMessage,
  properties: Record<string, string>,
) => void;

const NO_KEY = '\u0000no-key';
/** Key_Shared scans at most this many waiting messages per pass for a key that is free (bounds the cost). */
const KEY_SCAN_WINDOW = 4096;

/** FNV-1a: a stable spread of keys over consumers, like the broker's hash ranges. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class InMemorySubscription {
  readonly topic: string;
  readonly name: string;
  readonly #deadLetter: DeadLetterSink;
  /** Ready messages ordered by publish sequence (redeliveries go back to their place), from `#head` on. */
  #pending: Pending[] = [];
  #head = 0;
  #consumers: Consumer[] = [];
  /** Keys with a message in flight or waiting for its nack redelivery (Key_Shared only). */
  #busyKeys = new Set<string>();
  #timers = new Set<NodeJS.Timeout>();
  #scheduled = false;
  #roundRobin = 0;

  constructor(topic: string, name: string, deadLetter: DeadLetterSink) {
    this.topic = topic;
    this.name = name;
    this.#deadLetter = deadLetter;
  }

  get backlog(): number {
    return this.#pending.length - this.#head;
  }

  get consumerCount(): number {
    return this.#consumers.length;
  }

  /** Buffers a newly published message (after `delayMs` when delayed). */
  enqueue(message: StoredMessage, delayMs = 0): void {
    if (delayMs > 0) {
      this.#later(delayMs, () => this.#insert({ message, redeliveryCount: 0 }, false));
    } else {
      this.#insert({ message, redeliveryCount: 0 }, false);
    }
  }

  addConsumer(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.#schedule();
  }

  /** Stops dispatching to `consumer`; waits up to `graceMs` for its handlers, then releases the rest. */
  async removeConsumer(consumer: Consumer, graceMs: number): Promise<void> {
    if (!consumer.open) return;
    consumer.open = false;
    if (consumer.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, graceMs));
        consumer.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Grace is over: what is still running is released unacked and redelivered elsewhere.
    const keyed = this.#type() === 'Key_Shared';
    for (const delivery of consumer.deliveries) {
      delivery.settled = true;
      consumer.inFlight--;
      if (keyed) this.#busyKeys.delete(delivery.entry.message.key ?? NO_KEY);
      this.#insert(
        { message: delivery.entry.message, redeliveryCount: delivery.entry.redeliveryCount + 1 },
        true,
      );
    }
    consumer.deliveries.clear();
    this.#consumers = this.#consumers.filter((c) => c !== consumer);
    this.#schedule();
  }

  /** Drops timers (transport closing); buffered messages are discarded with the broker. */
  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #insert(entry: Pending, inOrder: boolean): void {
    const list = this.#pending;
    if (!inOrder || list.length === this.#head || list[list.length - 1]!.message.seq < entry.message.seq) {
      list.push(entry);
    } else {
      let lo = this.#head;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.message.seq < entry.message.seq) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, entry);
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#dispatch();
    });
  }

  #type(): SubscriptionOptions['type'] {
    return this.#consumers[0]?.options.type ?? 'Shared';
  }

  #dispatch(): void {
    const open = this.#consumers.filter((c) => c.open);
    if (open.length === 0 || this.backlog === 0) return;
    const type = this.#type();
    let room = open.reduce((sum, c) => sum + Math.max(0, c.concurrency - c.inFlight), 0);
    const list = this.#pending;
    const end = type === 'Key_Shared' ? Math.min(list.length, this.#head + KEY_SCAN_WINDOW) : list.length;
    const kept: Pending[] = [];
    let i = this.#head;
    for (; i < end && room > 0; i++) {
      const entry = list[i]!;
      const consumer =
        type === 'Key_Shared' ? this.#keyConsumer(entry, open) : this.#nextConsumer(type, open);
      if (!consumer) {
        kept.push(entry);
        continue;
      }
      room--;
      this.#deliver(consumer, entry);
    }
    // Messages skipped (busy key, full owner) go back, in order, just before the first unscanned one.
    let w = i;
    for (let k = kept.length - 1; k >= 0; k--) list[--w] = kept[k]!;
    this.#head = w;
    if (this.#head > 1024 && this.#head * 2 > list.length) {
      this.#pending = list.slice(this.#head);
      this.#head = 0;
    }
  }

  #nextConsumer(type: SubscriptionOptions['type'], open: Consumer[]): Consumer | undefined {
    // Exclusive and Failover: the first (active) consumer takes everything.
    if (type !== 'Shared') {
      const first = open[0]!;
      return first.inFlight < first.concurrency ? first : undefined;
    }
    for (let n = 0; n < open.length; n++) {
      const consumer = open[(this.#roundRobin + n) % open.length]!;
      if (consumer.inFlight < consumer.concurrency) {
        this.#roundRobin = (this.#roundRobin + n + 1) % open.length;
        return consumer;
      }
    }
    return undefined;
  }

  #keyConsumer(entry: Pending, open: Consumer[]): Consumer | undefined {
    const key = entry.message.key ?? NO_KEY;
    if (this.#busyKeys.has(key)) return undefined;
    // Affinity by hash over the connected consumers: stable while they are; no per-key state to leak.
    const owner = open[hash(key) % open.length]!;
    return owner.inFlight < owner.concurrency ? owner : undefined;
  }

  #deliver(consumer: Consumer, entry: Pending): void {
    const keyed = this.#type() === 'Key_Shared';
    const key = entry.message.key ?? NO_KEY;
    if (keyed) this.#busyKeys.add(key);
    consumer.inFlight++;
    const { seq: _seq, ...fields } = entry.message;
    const received: ReceivedMessage = { ...fields, redeliveryCount: entry.redeliveryCount };
    const delivery: Delivery = { entry, settled: false };
    consumer.deliveries.add(delivery);
    const settle = (ok: boolean) => {
      if (delivery.settled) return;
      delivery.settled = true;
      consumer.deliveries.delete(delivery);
      consumer.inFlight--;
      if (ok) {
        if (keyed) this.#busyKeys.delete(key);
      } else {
        this.#fail(consumer, entry, keyed, key);
      }
      if (consumer.inFlight === 0) consumer.drained?.();
      this.#schedule();
    };
    Promise.resolve()
      .then(() => consumer.handler(received))
      .then(
        () => settle(true),
        () => settle(false),
      );
  }

  #fail(consumer: Consumer, entry: Pending, keyed: boolean, key: string): void {
    const { maxRedeliverCount = 3, negativeAckRedeliveryDelayMs = 1000, deadLetterTopic } = consumer.options;
    if (maxRedeliverCount > 0 && entry.redeliveryCount >= maxRedeliverCount) {
      if (keyed) this.#busyKeys.delete(key);
      const dlq = deadLetterTopic ?? `${this.topic}-${this.name}-DLQ`;
      this.#deadLetter(dlq, entry.message, {
        ...entry.message.properties,
        REAL_TOPIC: this.topic,
        REAL_SUBSCRIPTION: this.name,
        ORIGIN_MESSAGE_ID: entry.message.messageId,
      });
      return;
    }
    // The key stays busy until the redelivery, so later messages of that key cannot overtake it.
    this.#later(negativeAckRedeliveryDelayMs, () => {
      if (keyed) this.#busyKeys.delete(key);
      this.#insert({ message: entry.message, redeliveryCount: entry.redeliveryCount + 1 }, true);
    });
  }
}
