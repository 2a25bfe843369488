/**
 * The abort side of one task attempt (timeout, shutdown). Its AbortSignal and the promise raced
 * against the task are created only when asked for: most tasks never read `signal`, and an
 * AbortController costs more than the rest of a short task's bookkeeping.
 */
export class AttemptAbort {
  #controller: AbortController | undefined;
  #reason: Error | undefined;
  #aborted: Promise<never> | undefined;
  #reject: ((reason: Error) => void) | undefined;

  /** Why the attempt was aborted, once it was. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** The attempt's signal (`taskContext().signal`); already aborted if asked for after the abort. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Rejects with the reason on abort: raced against the task, so code ignoring its signal cannot hold the message. */
  get aborted(): Promise<never> {
    if (!this.#aborted) {
      this.#aborted = this.#reason
        ? Promise.reject(this.#reason)
        : new Promise<never>((_, reject) => {
            this.#reject = reject;
          });
      this.#aborted.catch(() => {}); // aborted after the attempt settled: nobody awaits it
    }
    return this.#aborted;
  }

  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }
}
