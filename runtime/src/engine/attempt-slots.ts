/**
 * At most `size` task attempts running at once, served in arrival order. The executor takes more
 * messages from the transport than that (see TaskExecutor.start), so a message whose attempt is
 * over but whose outcome record, reply receipt and ack are still on their way does not keep the
 * next attempt waiting: the limit is on user code running, as `concurrency` promises.
 */
export class AttemptSlots {
  #free: number;
  #waiting: Array<{ resolve: () => void; reject: (reason: Error) => void }> = [];
  #closed: Error | undefined;

  constructor(size: number) {
    this.#free = size;
  }

  /** Takes a slot if one is free now (the common case, no promise); false otherwise. */
  tryAcquire(): boolean {
    if (this.#closed || this.#free === 0) return false;
    this.#free--;
    return true;
  }

  /** Resolves once a slot is taken; rejects with the close reason if closed first. */
  acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next)
      next.resolve(); // the slot passes on
    else this.#free++;
  }

  /** Refuses new attempts and rejects the waiting ones with `reason` (shutdown). */
  close(reason: Error): void {
    this.#closed = reason;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(reason);
  }
}
