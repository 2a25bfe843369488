interface KeyRecord {
  inflight: number;
  lastStart: number;
  lastEnd: number;
}

/**
 * Tells a cache whether the result of a backend call may be stored: only when no other write to
 * the same key overlapped the call. Without it, a read that started before a write and returns
 * after it would put the old value back into the cache. Tickets come from one logical clock.
 */
export class WriteTracker {
  #clock = 0;
  #reads = 0;
  #keys = new Map<string, KeyRecord>();

  startRead(): number {
    this.#reads++;
    return ++this.#clock;
  }

  /** True when no write to `key` was in flight or ended since the read got `ticket`. */
  endRead(key: string, ticket: number): boolean {
    this.#reads--;
    const record = this.#keys.get(key);
    const clean = !record || (record.inflight === 0 && record.lastEnd < ticket);
    if (this.#reads === 0) this.#prune();
    return clean;
  }

  startWrite(key: string): number {
    const ticket = ++this.#clock;
    const record = this.#keys.get(key);
    if (record) {
      record.inflight++;
      record.lastStart = ticket;
    } else this.#keys.set(key, { inflight: 1, lastStart: ticket, lastEnd: 0 });
    return ticket;
  }

  /** True when this write was the only one to `key` from its start to its end. */
  endWrite(key: string, ticket: number): boolean {
    const record = this.#keys.get(key);
    if (!record) return false;
    const alone = record.inflight === 1 && record.lastStart === ticket && record.lastEnd < ticket;
    record.inflight--;
    record.lastEnd = ++this.#clock;
    if (record.inflight === 0 && this.#reads === 0) this.#keys.delete(key);
    return alone;
  }

  /** Keys tracked, for tests: records are dropped once nothing in flight can need them. */
  get size(): number {
    return this.#keys.size;
  }

  #prune(): void {
    for (const [key, record] of this.#keys) if (record.inflight === 0) this.#keys.delete(key);
  }
}
