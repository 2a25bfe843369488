/** One subscription of the native transport: a receive loop feeding a KeyedDispatcher. */
import { KeyedDispatcher } from '../keyed-dispatcher.ts';
import type { MessageHandler, ReceivedMessage, Subscription, SubscriptionOptions } from '../transport.ts';
import type { NativeConsumer, NativeMessage } from './pulsar-client-types.ts';

interface Item {
  readonly key?: string;
  readonly message: ReceivedMessage;
  readonly native: NativeMessage;
}

/** A receive loop feeding a KeyedDispatcher; at most `concurrency` messages are held locally. */
export class NativeSubscription implements Subscription {
  readonly options: Readonly<SubscriptionOptions>;
  readonly #consumer: NativeConsumer;
  readonly #dispatcher: KeyedDispatcher<Item>;
  readonly #onClosed: () => void;
  readonly #loop: Promise<void>;
  #closing = false;

  constructor(
    options: Readonly<SubscriptionOptions>,
    consumer: NativeConsumer,
    handler: MessageHandler,
    onClosed: () => void,
  ) {
    this.options = options;
    this.#consumer = consumer;
    this.#onClosed = onClosed;
    this.#dispatcher = new KeyedDispatcher<Item>({
      concurrency: options.concurrency ?? 1,
      keyed: options.type === 'Key_Shared',
      run: async (item) => {
        try {
          await handler(item.message);
          await consumer.acknowledge(item.native);
        } catch {
          try {
            consumer.negativeAcknowledge(item.native);
          } catch {
            // Consumer already closed: the broker redelivers the unacked message anyway.
          }
        }
      },
    });
    this.#loop = this.#receive();
  }

  get connected(): boolean {
    return !this.#closing && (this.#consumer.isConnected?.() ?? true);
  }

  async close(graceMs = 0): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#dispatcher.pause();
    await this.#dispatcher.idle(graceMs);
    await this.#loop;
    await this.#consumer.close().catch(() => {});
    this.#onClosed();
  }

  async #receive(): Promise<void> {
    const limit = (this.options.concurrency ?? 1) * 2;
    while (!this.#closing) {
      if (this.#dispatcher.inFlight + this.#dispatcher.queued >= limit) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      let native: NativeMessage;
      try {
        native = await this.#consumer.receive(200);
      } catch {
        continue; // receive timeout (or a transient error): poll again
      }
      if (this.#closing) return; // not acked: the broker redelivers it
      const key = native.getPartitionKey() || undefined;
      this.#dispatcher.push({
        key,
        native,
        message: {
          messageId: native.getMessageId().toString(),
          topic: this.options.topic,
          payload: native.getData(),
          ...(key !== undefined ? { key } : {}),
          properties: native.getProperties() ?? {},
          redeliveryCount: native.getRedeliveryCount(),
          publishTime: native.getPublishTimestamp(),
        },
      });
    }
  }
}
