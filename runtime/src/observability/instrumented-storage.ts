/**
 * A Storage wrapper timing every operation into the worker's storage latency histogram.
 */
import type { KeySetStorage, KeyValueStorage, Storage } from '../storage/storage.ts';
import type { WorkerMetrics } from './worker-metrics.ts';

const OPERATIONS = [
  'get',
  'getWithVersion',
  'put',
  'putWithVersion',
  'scan',
  'members',
  'add',
  'remove',
  'ping',
] as const;

export function instrumentStorage(storage: Storage, metrics: WorkerMetrics): Storage {
  const backend = storage.kind;
  // One label object per operation, built once; timed with performance.now and observed directly
  // (cheaper than startTimer's closure, label merge and hrtime on every call).
  const labels = Object.fromEntries(OPERATIONS.map((operation) => [operation, { operation, backend }]));
  const time = async <T>(operation: (typeof OPERATIONS)[number], run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      metrics.storageLatency.observe(labels[operation]!, (performance.now() - started) / 1000);
    }
  };
  const kv = storage.keyValue;
  const ks = storage.keySet;
  const keyValue: KeyValueStorage = {
    get: (key) => time('get', () => kv.get(key)),
    getWithVersion: (key) => time('getWithVersion', () => kv.getWithVersion(key)),
    put: (key, value) => time('put', () => kv.put(key, value)),
    putWithVersion: (key, value, expected) =>
      time('putWithVersion', () => kv.putWithVersion(key, value, expected)),
    ...(kv.scan ? { scan: (prefix, limit) => time('scan', () => kv.scan!(prefix, limit)) } : {}),
  };
  const keySet: KeySetStorage = {
    members: (key) => time('members', () => ks.members(key)),
    add: (key, member) => time('add', () => ks.add(key, member)),
    remove: (key, member) => time('remove', () => ks.remove(key, member)),
  };
  return {
    kind: storage.kind,
    keyValue,
    keySet,
    ping: () => time('ping', () => storage.ping()),
    close: () => storage.close(),
  };
}
