/**
 * One consumer socket of a subscription. The broker pushes up to `receiverQueueSize` messages;
 * handlers run through a KeyedDispatcher (concurrency, per-key order under Key_Shared); a resolved
 * handler acks `{messageId}`, a rejected one nacks. When the socket drops, messages not yet handled
 * are forgotten (the broker redelivers every unacked message) and the socket reconnects.
 */
import { KeyedDispatcher } from '../keyed-dispatcher.ts';
import type { MessageHandler, ReceivedMessage, Subscription, SubscriptionOptions } from '../transport.ts';
import { WsConnection, type WsConnectionOptions } from './ws-connection.ts';

interface ConsumerFrame {
  messageId: string;
  payload: string;
  properties?: Record<string, string>;
  publishTime?: string | number;
  redeliveryCount?: number;
  key?: string;
}

interface Item {
  readonly key?: string;
  readonly message: ReceivedMessage;
  /** Socket generation the message came on: an ack on a newer socket would be meaningless. */
  readonly generation: number;
}

export type WsConsumerOptions = Omit<WsConnectionOptions, 'onOpen' | 'onMessage' | 'onDown'> & {
  subscription: Readonly<SubscriptionOptions>;
  handler: MessageHandler;
  onClosed: () => void;
};

export class WsConsumer implements Subscription {
  readonly options: Readonly<SubscriptionOptions>;
  readonly #handler: MessageHandler;
  readonly #connection: WsConnection;
  readonly #dispatcher: KeyedDispatcher<Item>;
  readonly #onClosed: () => void;
  #generation = 0;
  #closing = false;

  constructor(options: WsConsumerOptions) {
    this.options = options.subscription;
    this.#handler = options.handler;
    this.#onClosed = options.onClosed;
    this.#dispatcher = new KeyedDispatcher<Item>({
      concurrency: options.subscription.concurrency ?? 1,
      keyed: options.subscription.type === 'Key_Shared',
      run: (item) => this.#run(item),
    });
    this.#connection = new WsConnection({
      ...options,
      onOpen: () => {
        this.#generation++;
      },
      onMessage: (data) => this.#onFrame(data),
      onDown: () => {
        const lost = this.#generation;
        this.#dispatcher.drop((item) => item.generation === lost);
      },
    });
  }

  /** Opens the socket; rejects (and gives up) if the first connection fails. */
  async start(): Promise<void> {
    try {
      await this.#connection.start();
    } catch (error) {
      await this.#connection.close();
      this.#onClosed();
      throw error;
    }
  }

  /** True while the socket is open and the subscription not closing. */
  get connected(): boolean {
    return !this.#closing && this.#connection.connected;
  }

  /** Drops the socket abruptly, as a network failure would; it reconnects (tests). */
  terminate(): void {
    this.#connection.terminate();
  }

  async close(graceMs = 0): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#dispatcher.pause();
    // Acks of handlers finishing within the grace still go out; the rest stays unacked and is redelivered.
    await this.#dispatcher.idle(graceMs);
    await this.#connection.close();
    this.#onClosed();
  }

  #onFrame(data: string): void {
    let frame: ConsumerFrame;
    try {
      frame = JSON.parse(data) as ConsumerFrame;
    } catch {
      return;
    }
    if (typeof frame.messageId !== 'string' || typeof frame.payload !== 'string') return;
    const publishTime =
      typeof frame.publishTime === 'number'
        ? frame.publishTime
        : Date.parse(frame.publishTime ?? '') || Date.now();
    const message: ReceivedMessage = {
      messageId: frame.messageId,
      topic: this.options.topic,
      payload: Buffer.from(frame.payload, 'base64'),
      properties: frame.properties ?? {},
      redeliveryCount: frame.redeliveryCount ?? 0,
      publishTime,
    };
    if (frame.key !== undefined) (message as { key?: string }).key = frame.key;
    this.#dispatcher.push({ key: frame.key, message, generation: this.#generation });
  }

  /** Runs the handler, then acks (resolved) or nacks (rejected or thrown) on the socket it came from. */
  #run(item: Item): Promise<void> {
    let handled: Promise<void>;
    try {
      handled = Promise.resolve(this.#handler(item.message));
    } catch {
      this.#settle(item, false);
      return Promise.resolve();
    }
    return handled.then(
      () => this.#settle(item, true),
      () => this.#settle(item, false),
    );
  }

  #settle(item: Item, ok: boolean): void {
    if (item.generation !== this.#generation) return;
    const id = JSON.stringify(item.message.messageId);
    this.#connection.send(ok ? `{"messageId":${id}}` : `{"type":"negativeAcknowledge","messageId":${id}}`);
  }
}
