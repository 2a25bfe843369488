/**
 * `npm run bench:workflows [-- --backend pulsar|memory --workflows N --concurrency C --json]`:
 *   - workflowsPerSec: 10-step sequential workflows run to completion, C in flight;
 *   - stepMs.h10 / h100 / h1000: time of one step (task dispatched -> outcome -> next task) when
 *     the instance's history holds ~10, ~100 and ~1,000 steps, in one 1,000-step workflow;
 *   - flatness = stepMs.h1000 / stepMs.h10 (target <= 1.5: live runs are cached between steps);
 *   - baseline, measured in the same run: the same long workflow with the cache off (every step
 *     replays the whole history), up to --replay-steps, on the in-memory backend.
 * Backend `pulsar` (default): Pulsar-WS in a fresh tenant + Redis under a fresh key prefix;
 * `memory`: in-process transport and storage (engine cost alone). Bounded by --max-seconds.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLogger } from '../../runtime/src/observability/logger.ts';
import { createRedisStorage } from '../../runtime/src/storage/redis-storage.ts';
import type { Storage } from '../../runtime/src/storage/storage.ts';
import type { Transport } from '../../runtime/src/transport/transport.ts';
import { InfiniticWorker } from '../../runtime/src/worker/infinitic-worker.ts';
import { proxyService, WorkflowClient, WorkflowEngine } from '../../runtime/src/workflow/index.ts';
import {
  deleteRedisKeys,
  inMemoryBackend,
  pulsarTenant,
  redisStorageOptions,
} from '../../runtime/test/fixtures/test-backends.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pulsar' },
    workflows: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    steps: { type: 'string', default: '1000' },
    'replay-steps': { type: 'string', default: '300' },
    'max-seconds': { type: 'string', default: '90' },
    json: { type: 'boolean', default: false },
  },
});
const WORKFLOWS = Number(values.workflows);
const CONCURRENCY = Number(values.concurrency);
const STEPS = Math.max(20, Number(values.steps));
const REPLAY_STEPS = Number(values['replay-steps']);
const MAX_MS = Number(values['max-seconds']) * 1000;
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const logger = createLogger({ level: 'warn' });
const log = (text: string) => {
  if (!values.json) console.log(text);
};

interface Ticks {
  tick(key: string, i: number): number;
}

/** Times of every `tick` per key: consecutive ticks are one workflow step apart. */
const ticks = new Map<string, number[]>();
const tickService: Ticks = {
  tick(key: string, i: number) {
    const list = ticks.get(key) ?? [];
    ticks.set(key, list);
    list[i] = performance.now();
    return i;
  },
};

async function steps(key: string, count: number): Promise<number> {
  const t = proxyService<Ticks>('Ticks');
  for (let i = 0; i < count; i++) await t.tick(key, i);
  return count;
}

interface Backend {
  transport: Transport;
  storage: Storage;
  close(): Promise<void>;
}

async function backend(kind: string, tag: string): Promise<Backend> {
  if (kind === 'memory') return inMemoryBackend();
  const pulsar = pulsarTenant(`bench-wf-${tag}`, { namespace: 'bench', clientName: 'bench-workflows' });
  await pulsar.transport.provision();
  const storage = await createRedisStorage(redisStorageOptions(`bench-wf-${id}:`));
  return {
    transport: pulsar.transport,
    storage,
    close: async () => {
      await pulsar.transport.close(0);
      await storage.close();
      await deleteRedisKeys(`bench-wf-${id}:`); // thousands of instance records per run
      await pulsar.close();
    },
  };
}

async function withRuntime<T>(
  kind: string,
  tag: string,
  cacheSize: number,
  fn: (client: WorkflowClient, engine: WorkflowEngine) => Promise<T>,
): Promise<T> {
  const b = await backend(kind, tag);
  const worker = new InfiniticWorker({
    name: 'bench-worker',
    transport: b.transport,
    storage: b.storage,
    services: { Ticks: tickService },
    serviceOptions: { Ticks: { concurrency: CONCURRENCY } },
    logger,
  });
  const engine = new WorkflowEngine({
    transport: b.transport,
    storage: b.storage,
    logger,
    workerName: 'bench-worker',
    workflows: { Steps: steps },
    concurrency: CONCURRENCY,
    cacheSize,
  });
  const client = new WorkflowClient({ transport: b.transport, storage: b.storage });
  try {
    await worker.start();
    await engine.start();
    return await fn(client, engine);
  } finally {
    await client.close();
    await engine.close();
    await worker.close();
    await b.close();
  }
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Median step time around history length h (the 25 steps up to h, clamped; from step 2 for h10). */
function stepAt(times: number[], h: number): number {
  const deltas: number[] = [];
  for (let i = Math.max(2, h - 24); i <= Math.min(times.length - 1, Math.max(h, 26)); i++)
    deltas.push((times[i] ?? 0) - (times[i - 1] ?? 0));
  return round(median(deltas));
}

async function throughput(client: WorkflowClient): Promise<number> {
  const deadline = performance.now() + MAX_MS / 3;
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < WORKFLOWS && performance.now() < deadline) {
      next += 1;
      await client.startWorkflow('Steps', 'run', [`t${next}`, 10], { timeoutMs: MAX_MS });
      done += 1;
    }
  };
  await client.startWorkflow('Steps', 'run', ['warmup', 10], { timeoutMs: MAX_MS });
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return Math.round((done / (performance.now() - started)) * 1000 * 10) / 10;
}

async function longRun(client: WorkflowClient, key: string, count: number) {
  await client.startWorkflow('Steps', 'run', [key, count], { timeoutMs: MAX_MS });
  return ticks.get(key) ?? [];
}

const kind = values.backend === 'memory' ? 'memory' : 'pulsar';
log(`backend: ${kind === 'memory' ? 'in-memory' : 'pulsar-ws + redis'}`);
const main = await withRuntime(kind, 'main', 1000, async (client, engine) => {
  const workflowsPerSec = await throughput(client);
  log(`workflows/s (10 sequential steps, ${CONCURRENCY} in flight): ${workflowsPerSec}`);
  const times = await longRun(client, 'long', STEPS);
  return { workflowsPerSec, times, engine: { ...engine.stats } };
});
const stepMs = {
  h10: stepAt(main.times, 10),
  h100: stepAt(main.times, 100),
  h1000: stepAt(main.times, Math.min(1000, STEPS - 1)),
};
const flatness = round(stepMs.h1000 / stepMs.h10);
log(
  `step ms at history 10 / 100 / 1000: ${stepMs.h10} / ${stepMs.h100} / ${stepMs.h1000}  (flatness ${flatness}, target <= 1.5)`,
);
log(`engine: ${JSON.stringify(main.engine)}`);

// Baseline: no live-run cache, every step replays the whole history (in-memory, engine cost alone).
const replay = await withRuntime('memory', 'replay', 0, async (client) =>
  longRun(client, 'replay', REPLAY_STEPS),
);
const cached = await withRuntime('memory', 'cached', 1000, async (client) =>
  longRun(client, 'cached', REPLAY_STEPS),
);
const at = Math.max(10, REPLAY_STEPS - 5);
const baseline = {
  steps: REPLAY_STEPS,
  noCacheStepMs: { h10: stepAt(replay, 10), [`h${at}`]: stepAt(replay, at) },
  cachedStepMs: { h10: stepAt(cached, 10), [`h${at}`]: stepAt(cached, at) },
  /** How much slower a step is at the longest history without the live-run cache. */
  noCacheOverCached: round(stepAt(replay, at) / stepAt(cached, at)),
};
log(
  `in-memory, ${REPLAY_STEPS} steps: cached ${JSON.stringify(baseline.cachedStepMs)} ms vs full replay ${JSON.stringify(baseline.noCacheStepMs)} ms (x${baseline.noCacheOverCached} at h${at})`,
);
if (values.json) {
  console.log(
    JSON.stringify({
      backend: kind,
      workflowsPerSec: main.workflowsPerSec,
      stepMs,
      flatness,
      baseline,
      engine: main.engine,
    }),
  );
}
