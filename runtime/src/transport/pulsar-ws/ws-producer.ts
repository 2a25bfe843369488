/**
 * One producer socket per topic, reused by every send. A send resolves on the broker receipt that
 * carries its `context`; sends made while the socket is down are (re)sent when it reopens. The
 * transport closes it once idle (see producer-pool.ts). Send timeouts share one timer: every send
 * gets the same delay, so the pending map (insertion order) is also deadline order, and the timer
 * only ever waits for its first entry.
 */
import { InfiniticError } from '../../errors.ts';
import type { PooledProducer } from '../producer-pool.ts';
import type { OutgoingMessage } from '../transport.ts';
import { WsConnection, type WsConnectionOptions } from './ws-connection.ts';

interface PendingSend {
  frame: string;
  resolve: () => void;
  reject: (error: Error) => void;
  /** performance.now() after which the send fails with INF_TRANSPORT_SEND_TIMEOUT. */
  deadline: number;
}

interface Receipt {
  result?: string;
  errorMsg?: string;
  context?: string;
  messageId?: string;
}

export type WsProducerOptions = Omit<WsConnectionOptions, 'onOpen' | 'onMessage' | 'onDown'> & {
  topic: string;
  sendTimeoutMs: number;
  maxFrameBytes: number;
};

export class WsProducer implements PooledProducer {
  readonly #topic: string;
  readonly #sendTimeoutMs: number;
  readonly #maxFrameBytes: number;
  readonly #connection: WsConnection;
  readonly #pending = new Map<string, PendingSend>();
  readonly #started: Promise<void>;
  #next = 0;
  /** Fires at the first pending deadline; unref'd while nothing is pending (it keeps no process alive). */
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WsProducerOptions) {
    this.#topic = options.topic;
    this.#sendTimeoutMs = options.sendTimeoutMs;
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#connection = new WsConnection({
      ...options,
      onOpen: () => {
        // Receipts of frames sent on the dropped socket are lost: send them again (at-least-once).
        for (const pending of this.#pending.values()) this.#connection.send(pending.frame);
      },
      onMessage: (data) => this.#onReceipt(data),
      onDown: () => {},
    });
    this.#started = this.#connection.start();
    this.#started.catch((error: Error) => {
      for (const [context, pending] of this.#pending) this.#settle(context, pending, error);
    });
  }

  /** Resolves when the socket first opened; rejects when it could not. */
  get started(): Promise<void> {
    return this.#started;
  }

  get connected(): boolean {
    return this.#connection.connected;
  }

  /** Sends made so far (the context counter, so counting costs nothing). */
  get sends(): number {
    return this.#next;
  }

  /** True while a send awaits its receipt. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  send(message: OutgoingMessage): Promise<void> {
    const context = (this.#next++).toString(36);
    const frame = sendFrame(message, context);
    if (frame.length > this.#maxFrameBytes) {
      // The broker would close the socket on such a frame, and every resend would do it again.
      return Promise.reject(
        new InfiniticError(
          'INF_TRANSPORT_MESSAGE_TOO_LARGE',
          `message of ${message.payload.byteLength} bytes for Pulsar topic ${this.#topic} exceeds the WebSocket frame limit ` +
            `(${frame.length} > ${this.#maxFrameBytes} bytes once base64-encoded; raise webSocketMaxTextFrameSize and maxFrameBytes, or store large data elsewhere)`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const deadline = performance.now() + this.#sendTimeoutMs;
      this.#pending.set(context, { frame, resolve, reject, deadline });
      if (this.#timer === undefined) this.#arm(deadline);
      else if (this.#pending.size === 1) this.#timer.ref();
      this.#connection.send(frame);
    });
  }

  /** Drops the socket abruptly; it reconnects and resends what has no receipt (tests). */
  terminate(): void {
    this.#connection.terminate();
  }

  async close(): Promise<void> {
    const closed = new InfiniticError(
      'INF_TRANSPORT_CLOSED',
      `producer of ${this.#topic} closed before the receipt`,
    );
    for (const [context, pending] of this.#pending) this.#settle(context, pending, closed);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#connection.close();
  }

  #settle(context: string, pending: PendingSend, error?: Error): void {
    this.#pending.delete(context);
    // Left armed (cheaper than clearing and re-creating it per send), but holding no process open.
    if (this.#pending.size === 0) this.#timer?.unref();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  #arm(deadline: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, deadline - performance.now()));
    if (this.#pending.size === 0) this.#timer.unref();
  }

  /** Fails the sends past their deadline (the first entries), then waits for the next one. */
  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const [context, pending] of this.#pending) {
      if (pending.deadline > now) {
        this.#arm(pending.deadline);
        return;
      }
      this.#settle(
        context,
        pending,
        new InfiniticError(
          'INF_TRANSPORT_SEND_TIMEOUT',
          `send to Pulsar topic ${this.#topic} got no broker receipt within ${this.#sendTimeoutMs} ms`,
        ),
      );
    }
  }

  #onReceipt(data: string): void {
    let receipt: Receipt;
    try {
      receipt = JSON.parse(data) as Receipt;
    } catch {
      return;
    }
    const pending = receipt.context === undefined ? undefined : this.#pending.get(receipt.context);
    if (!pending) return;
    if (receipt.result === 'ok') {
      this.#settle(receipt.context!, pending);
      return;
    }
    this.#settle(
      receipt.context!,
      pending,
      new InfiniticError(
        'INF_TRANSPORT_SEND',
        `Pulsar refused a message on topic ${this.#topic}: ${receipt.result ?? 'no result'}${receipt.errorMsg ? ` (${receipt.errorMsg})` : ''}`,
      ),
    );
  }
}

/**
 * The producer frame `{payload, properties?, key?, deliverAfterMs?, context}` built as text: base64
 * and base-36 need no JSON escaping, so the payload (most of the frame) is not scanned again.
 */
function sendFrame(message: OutgoingMessage, context: string): string {
  const { payload } = message;
  let frame = `{"payload":"${Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64')}"`;
  if (message.properties) frame += `,"properties":${JSON.stringify(message.properties)}`;
  if (message.key !== undefined) frame += `,"key":${JSON.stringify(message.key)}`;
  if (message.deliverAfterMs) frame += `,"deliverAfterMs":${Math.max(0, Math.round(message.deliverAfterMs))}`;
  return `${frame},"context":"${context}"}`;
}
