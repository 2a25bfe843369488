/**
 * `npm run bench:tasks [-- --tasks N --concurrency C --worker-concurrency W --json]`: task round trips measured three
 * ways in one run, on the same broker and Redis:
 *   (a) runtime: InfiniticClient → Pulsar-WS → InfiniticWorker (outcome recorded in Redis) → client;
 *   (b) raw:     the same WebSocket transport, request → responder → reply, no engine (rawRoundTrip);
 *   (c) bullmq:  BullMQ queue + worker on the same Redis, add → process → waitUntilFinished.
 * Each is a closed loop with C round trips in flight, bounded by --tasks and --max-seconds.
 * Prints tasks/s, p50, p99, this process's CPU per task (client and worker side; the broker and
 * Redis run elsewhere) and the ratios runtime/raw (round trip p50) and runtime/bullmq
 * (throughput); `--json` prints one JSON object instead. The machine is shared and noisy: compare
 * ratios from one run, and medians of several runs.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { InfiniticClient } from '../../runtime/src/client/infinitic-client.ts';
import { defaultPulsarPolicies } from '../../runtime/src/config/index.ts';
import { createRedisStorage } from '../../runtime/src/storage/redis-storage.ts';
import { rawRoundTrip } from '../../runtime/src/transport/pulsar-ws/bench-raw.ts';
import { PulsarWsTransport } from '../../runtime/src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { InfiniticWorker } from '../../runtime/src/worker/infinitic-worker.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    'max-seconds': { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
    only: { type: 'string', default: 'runtime,raw,bullmq' },
    /** Executor concurrency of the runtime's worker; default --concurrency. */
    'worker-concurrency': { type: 'string' },
  },
});
const TASKS = Number(values.tasks);
const CONCURRENCY = Number(values.concurrency);
const WORKER_CONCURRENCY = Number(values['worker-concurrency'] ?? CONCURRENCY);
const MAX_MS = Number(values['max-seconds']) * 1000;
const WARMUP = Math.min(200, Math.ceil(TASKS / 10));
const UNLOADED = Math.min(500, Math.max(50, Math.ceil(TASKS / 10)));
const adminUrl = process.env.PULSAR_ADMIN_URL ?? 'http://127.0.0.1:8080';
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
// Both Pulsar runs get the namespace policies a worker's config gives by default (Infinitic's:
// deduplication, retention, TTLs), so the figures are those of a generated project.
const POLICIES = defaultPulsarPolicies();
const log = (text: string) => {
  if (!values.json) console.log(text);
};

interface Figures {
  tasksPerSec: number;
  p50Ms: number;
  p99Ms: number;
  tasks: number;
  /**
   * CPU (user + system) this process spent per task while measuring the loaded run: client,
   * worker and transport together (the broker and Redis are other processes, not counted).
   */
  cpuMsPerTask: number;
  /** Round trips one at a time (no queueing): the latency of a task itself. */
  unloaded: { p50Ms: number; p99Ms: number; tasks: number };
}

type LoopFigures = Omit<Figures, 'unloaded'>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Unloaded latency (one in flight, UNLOADED tasks), then throughput with CONCURRENCY in flight. */
async function measure(roundTrip: () => Promise<void>): Promise<Figures> {
  const unloaded = await closedLoop(roundTrip, 1, UNLOADED);
  const loaded = await closedLoop(roundTrip, CONCURRENCY, TASKS);
  return { ...loaded, unloaded: { p50Ms: unloaded.p50Ms, p99Ms: unloaded.p99Ms, tasks: unloaded.tasks } };
}

/** Runs `roundTrip` with `lanes` in flight: a warm-up unmeasured, then up to `tasks` measured. */
async function closedLoop(
  roundTrip: () => Promise<void>,
  lanes: number,
  tasks: number,
): Promise<LoopFigures> {
  const run = async (count: number, into?: number[]) => {
    let remaining = count;
    const deadline = performance.now() + MAX_MS;
    const lane = async () => {
      while (remaining > 0 && performance.now() < deadline) {
        remaining--;
        const start = performance.now();
        await roundTrip();
        into?.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
  };
  await run(Math.min(WARMUP, tasks));
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(tasks, samples);
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  return {
    tasks: samples.length,
    cpuMsPerTask: round((used.user + used.system) / 1000 / samples.length, 3),
    tasksPerSec: Math.round((samples.length / elapsed) * 1000),
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function benchRuntime(): Promise<Figures> {
  const tenant = `bench-${id}`;
  const transport = new PulsarWsTransport({
    webServiceUrl: adminUrl,
    tenant,
    namespace: 'bench',
    clientName: 'bench-runtime',
    policies: POLICIES,
  });
  const storage = await createRedisStorage({
    host: redisUrl.hostname,
    port: Number(redisUrl.port || 6379),
    keyPrefix: `bench-${id}:`,
  });
  const worker = new InfiniticWorker({
    name: 'bench-worker',
    transport,
    storage,
    services: { Echo: { echo: (text: string) => text } },
    serviceOptions: { Echo: { concurrency: WORKER_CONCURRENCY } },
    logLevel: 'warn',
  });
  const client = new InfiniticClient({
    name: `bench-client-${id}`,
    transport,
    storage,
    logger: worker.logger,
  });
  try {
    await worker.start();
    const payload = 'x'.repeat(200);
    const figures = await measure(async () => {
      await client.runTask('Echo', 'echo', [payload]);
    });
    breakdown = await storageBreakdown(worker);
    return figures;
  } finally {
    await client.close();
    await worker.close();
    await transport.close(0);
    await dropOutcomeRecords(storage).catch(() => {});
    await storage.close();
    await transport.admin.deleteNamespace(tenant, 'bench').catch(() => {});
    await transport.admin.deleteTenant(tenant).catch(() => {});
  }
}

/** The outcome records this run left under its own key prefix (one per task): a shared Redis keeps no litter. */
async function dropOutcomeRecords(storage: Awaited<ReturnType<typeof createRedisStorage>>): Promise<void> {
  const keys = await storage.keyValue.scan!('task.result.', Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < keys.length; i += 1000) {
    await Promise.all(keys.slice(i, i + 1000).map((key) => storage.keyValue.put(key, undefined)));
  }
}

let breakdown = '';

/** Where the runtime's extra time goes: storage calls per task, from the worker's own metrics. */
async function storageBreakdown(worker: InfiniticWorker): Promise<string> {
  const metric = await worker.metrics.storageLatency.get();
  const tasks = (await worker.metrics.successes.get()).values.reduce((n, v) => n + v.value, 0);
  const per = new Map<string, { sum: number; count: number }>();
  for (const v of metric.values) {
    const op = String(v.labels.operation);
    const entry = per.get(op) ?? { sum: 0, count: 0 };
    if (v.metricName?.endsWith('_sum')) entry.sum += v.value;
    if (v.metricName?.endsWith('_count')) entry.count += v.value;
    per.set(op, entry);
  }
  return [...per]
    .map(
      ([op, { sum, count }]) =>
        `${op}: ${(count / tasks).toFixed(2)}/task, mean ${((sum / count) * 1000).toFixed(2)} ms`,
    )
    .join('; ');
}

async function benchRaw(): Promise<Figures> {
  const tenant = `bench-raw-${id}`;
  const options = { webServiceUrl: adminUrl, tenant, namespace: 'bench', policies: POLICIES };
  try {
    const run = (messages: number, concurrency: number) =>
      rawRoundTrip(options, {
        messages,
        concurrency,
        hops: 2,
        warmup: Math.min(WARMUP, messages),
        maxDurationMs: MAX_MS,
      });
    const unloaded = await run(UNLOADED, 1);
    const loaded = await run(TASKS, CONCURRENCY);
    return {
      tasks: loaded.messages,
      tasksPerSec: Math.round(loaded.tasksPerSec),
      p50Ms: round(loaded.p50Ms),
      p99Ms: round(loaded.p99Ms),
      cpuMsPerTask: loaded.cpuMsPerTask,
      unloaded: { p50Ms: round(unloaded.p50Ms), p99Ms: round(unloaded.p99Ms), tasks: unloaded.messages },
    };
  } finally {
    const admin = new PulsarWsTransport({ ...options, clientName: 'bench-cleanup' }).admin;
    await admin.deleteNamespace(tenant, 'bench').catch(() => {});
    await admin.deleteTenant(tenant).catch(() => {});
  }
}

async function benchBullmq(): Promise<Figures> {
  const connection = {
    host: redisUrl.hostname,
    port: Number(redisUrl.port || 6379),
    maxRetriesPerRequest: null,
  };
  const name = `bench-${id}`;
  const prefix = `bench-bullmq-${id}`;
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  const worker = new Worker(name, async (job) => job.data.text as string, {
    connection,
    prefix,
    concurrency: CONCURRENCY,
  });
  // One 'completed' listener resolving waiters by job id (pre-set, so no event can be missed).
  const waiting = new Map<string, () => void>();
  events.on('completed', ({ jobId }) => {
    waiting.get(jobId)?.();
    waiting.delete(jobId);
  });
  let next = 0;
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
    const text = 'x'.repeat(200);
    return await measure(async () => {
      const jobId = `j${next++}`;
      const done = new Promise<void>((resolve) => waiting.set(jobId, resolve));
      await queue.add('echo', { text }, { jobId, removeOnComplete: true, removeOnFail: true });
      await done;
    });
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}

log(
  `bench:tasks — ${TASKS} tasks, ${CONCURRENCY} in flight, warm-up ${WARMUP}, broker ${adminUrl}, redis ${redisUrl.host}`,
);
const only = new Set(values.only.split(','));
const skipped: Figures = {
  tasksPerSec: Number.NaN,
  p50Ms: Number.NaN,
  p99Ms: Number.NaN,
  tasks: 0,
  cpuMsPerTask: Number.NaN,
  unloaded: { p50Ms: Number.NaN, p99Ms: Number.NaN, tasks: 0 },
};
const runtime = only.has('runtime') ? await benchRuntime() : skipped;
log(`  runtime  ${fmt(runtime)}`);
if (breakdown) log(`           storage calls (all runs): ${breakdown}`);
const raw = only.has('raw') ? await benchRaw() : skipped;
log(`  raw      ${fmt(raw)}`);
const bullmq = only.has('bullmq') ? await benchBullmq() : skipped;
log(`  bullmq   ${fmt(bullmq)}`);
const ratios = {
  /** Unloaded round trip p50, runtime over raw: what the engine adds to one task's latency. */
  roundTripVsRaw: round(runtime.unloaded.p50Ms / raw.unloaded.p50Ms),
  /** The same ratio under load (CONCURRENCY in flight), where it mostly mirrors throughput. */
  loadedRoundTripVsRaw: round(runtime.p50Ms / raw.p50Ms),
  throughputVsRaw: round(runtime.tasksPerSec / raw.tasksPerSec),
  throughputVsBullmq: round(runtime.tasksPerSec / bullmq.tasksPerSec),
};
if (values.json) {
  console.log(JSON.stringify({ tasks: TASKS, concurrency: CONCURRENCY, runtime, raw, bullmq, ratios }));
} else {
  log(
    `  round trip p50 runtime/raw: ${ratios.roundTripVsRaw}x unloaded (target <= 1.25x), ${ratios.loadedRoundTripVsRaw}x at ${CONCURRENCY} in flight`,
  );
  log(
    `  throughput runtime/bullmq: ${ratios.throughputVsBullmq}x (target >= 1x); runtime/raw ${ratios.throughputVsRaw}x`,
  );
}

function fmt(f: Figures): string {
  const ms = (n: number) => n.toFixed(2).padStart(6);
  return `${String(f.tasksPerSec).padStart(6)} tasks/s   p50 ${ms(f.p50Ms)} ms   p99 ${ms(f.p99Ms)} ms   (${f.tasks} at ${CONCURRENCY} in flight, ${f.cpuMsPerTask.toFixed(3)} ms CPU/task)   unloaded p50 ${ms(f.unloaded.p50Ms)} ms   p99 ${ms(f.unloaded.p99Ms)} ms`;
}
