/**
 * A native producer (still being created, or ready) with the send count and in-flight count the
 * idle sweep of producer-pool.ts reads. Sends made while it is being created wait for it.
 */
import type { PooledProducer } from '../producer-pool.ts';
import type { NativeProducer, ProducerMessage } from './pulsar-client-types.ts';

export class NativeTopicProducer implements PooledProducer {
  readonly #producer: Promise<NativeProducer>;
  #sends = 0;
  #inFlight = 0;

  constructor(producer: Promise<NativeProducer>) {
    this.#producer = producer;
  }

  /** Settles when the native producer is created (or could not be). */
  get created(): Promise<NativeProducer> {
    return this.#producer;
  }

  get sends(): number {
    return this.#sends;
  }

  get busy(): boolean {
    return this.#inFlight > 0;
  }

  async send(message: ProducerMessage): Promise<void> {
    this.#sends++;
    this.#inFlight++;
    try {
      await (await this.#producer).send(message);
    } finally {
      this.#inFlight--;
    }
  }

  async close(): Promise<void> {
    const producer = await this.#producer.catch(() => undefined);
    await producer?.close();
  }
}
