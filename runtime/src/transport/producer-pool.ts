/**
 * The producers a Pulsar transport keeps per topic, closed once idle. A worker answers each client
 * on that client's own response topic: without this, every client that ever got an answer (each
 * `infinitic dispatch`, each client restart) would keep a producer, a socket, open on every worker
 * that answered it, for the worker's whole life; and on Pulsar that producer re-creates the topic
 * after the client deleted it.
 *
 * The send path pays nothing for it: a producer counts its sends anyway, and one sweep per pool
 * (unref'd, running only while the pool holds producers) compares the counts. A producer whose
 * count has not moved for `idleMs` and that awaits no receipt leaves the map and is closed in one
 * synchronous step, so a send either took it before (then it awaits a receipt, so it is not idle)
 * or finds no producer and opens a new one: no message is lost and none refused. Transports keep
 * the other half of that bargain: no `await` between taking a producer from the pool and calling
 * its send.
 */
import { InfiniticError } from '../errors.ts';

export interface PooledProducer {
  /** How many sends it was given so far (only ever grows). */
  readonly sends: number;
  /** True while a send awaits its broker receipt. */
  readonly busy: boolean;
  close(): Promise<void>;
}

interface Entry<P> {
  producer: P;
  /** `sends` at the last sweep that saw it move. */
  seen: number;
  quietSince: number;
}

export class ProducerPool<P extends PooledProducer> {
  readonly #idleMs: number;
  readonly #entries = new Map<string, Entry<P>>();
  #sweep: NodeJS.Timeout | undefined;
  #retired = 0;

  /** `idleMs` 0 keeps producers until the transport closes. */
  constructor(idleMs: number) {
    if (!(Number.isFinite(idleMs) && idleMs >= 0)) {
      throw new InfiniticError(
        'INF_TRANSPORT_OPTIONS',
        `producerIdleTimeoutMs must be a number of ms >= 0 (0 = never close), got ${idleMs}`,
      );
    }
    this.#idleMs = idleMs;
  }

  get(topic: string): P | undefined {
    return this.#entries.get(topic)?.producer;
  }

  add(topic: string, producer: P): void {
    this.#entries.set(topic, { producer, seen: producer.sends, quietSince: Date.now() });
    if (this.#idleMs > 0 && !this.#sweep) {
      // Closes between idleMs and 1.25 idleMs after the last send.
      this.#sweep = setInterval(() => this.#closeIdle(), Math.max(5, Math.round(this.#idleMs / 4)));
      this.#sweep.unref();
    }
  }

  /** Drops `producer` if it is still the one of `topic` (say, it failed to open); true if it was. */
  remove(topic: string, producer: P): boolean {
    if (this.#entries.get(topic)?.producer !== producer) return false;
    this.#entries.delete(topic);
    this.#stopWhenEmpty();
    return true;
  }

  /** Producers held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Producers closed for idleness so far (tests, dev tooling). */
  get retired(): number {
    return this.#retired;
  }

  /** Stops sweeping and closes every producer. */
  async closeAll(): Promise<void> {
    const producers = [...this.#entries.values()].map((e) => e.producer);
    this.#entries.clear();
    this.#stopWhenEmpty();
    await Promise.all(producers.map((p) => p.close().catch(() => {})));
  }

  #closeIdle(): void {
    const now = Date.now();
    for (const [topic, entry] of this.#entries) {
      const { producer } = entry;
      if (producer.sends !== entry.seen || producer.busy) {
        entry.seen = producer.sends;
        entry.quietSince = now;
      } else if (now - entry.quietSince >= this.#idleMs) {
        this.#entries.delete(topic); // before close: the next send opens a new producer
        this.#retired++;
        void producer.close().catch(() => {});
      }
    }
    this.#stopWhenEmpty();
  }

  #stopWhenEmpty(): void {
    if (this.#entries.size > 0 || !this.#sweep) return;
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }
}
