import type { KeySetStorage, KeyValueStorage, Storage } from './storage.ts';

/** A backend whose connection or tables are set up by `init()` (safe to call again after a failure). */
export interface InitializableStorage extends Storage {
  init(): Promise<void>;
}

/**
 * Runs `init()` on first use instead of at construction, so a storage can be built synchronously
 * from config and a worker can start while the backend is still coming up. Every call waits for
 * init; a failed init is retried by the next call, so `ping` (readiness) keeps reporting the
 * current state instead of a cached first failure.
 */
export function initializedOnFirstUse(storage: InitializableStorage): Storage {
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= storage.init().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  const gate =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await init();
      return fn(...args);
    };
  const kv = storage.keyValue;
  const ks = storage.keySet;
  const keyValue: KeyValueStorage = {
    get: gate((key) => kv.get(key)),
    getWithVersion: gate((key) => kv.getWithVersion(key)),
    put: gate((key, value) => kv.put(key, value)),
    putWithVersion: gate((key, value, expected) => kv.putWithVersion(key, value, expected)),
    ...(kv.scan ? { scan: gate(kv.scan.bind(kv)) } : {}),
  };
  const keySet: KeySetStorage = {
    members: gate((key) => ks.members(key)),
    add: gate((key, member) => ks.add(key, member)),
    remove: gate((key, member) => ks.remove(key, member)),
  };
  return {
    kind: storage.kind,
    keyValue,
    keySet,
    ping: gate(() => storage.ping()),
    close: () => storage.close(),
  };
}

/**
 * Runs `init()` now and returns the storage, or closes it (pools, sockets) and rethrows: what every
 * `createXStorage` does so an unreachable backend fails fast and leaves nothing open.
 */
export async function initializeOrClose<S extends InitializableStorage>(storage: S): Promise<S> {
  try {
    await storage.init();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
