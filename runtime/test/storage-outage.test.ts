/**
 * A storage outage after the worker started loses nothing: a worker on Pulsar-WS + a private
 * redis-server (never the shared one) holds the messages it is handling while that Redis is down,
 * for far longer than its redeliveries would last, and finishes every task and workflow once it is
 * back: each caller answered once, nothing dead-lettered, each task method run once. A shutdown
 * during the outage still ends within the grace period and releases the held messages to the next
 * worker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { deadLetterSubscription, subscriptionFor, topics } from '../src/transport/topics.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { proxyService } from '../src/workflow/index.ts';
import { PrivateRedis } from './fixtures/private-redis.ts';
import { pulsarTenant, type TestTenant } from './fixtures/test-backends.ts';

const SERVICE = 'Work';
const WORKFLOW = 'TwoSteps';
const CONCURRENCY = 4;
// Every failed delivery costs about REDIS_TIMEOUT_MS + NACK_MS: tasks would be dead-lettered after
// 3 deliveries (~0.75 s), engine messages after 21 (~5.3 s). The outage lasts longer than both.
const REDIS_TIMEOUT_MS = 200;
const NACK_MS = 50;
const MAX_REDELIVER = 2;
const OUTAGE_MS = 8000;

interface WorkService {
  work(key: string, ms: number): Promise<string>;
}

/** Counts the runs of each key in this process. */
class WorkServiceImpl implements WorkService {
  readonly runs = new Map<string, number>();
  get total(): number {
    let sum = 0;
    for (const n of this.runs.values()) sum += n;
    return sum;
  }
  async work(key: string, ms: number): Promise<string> {
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    await sleep(ms);
    return `done ${key}`;
  }
}

async function twoSteps(key: string): Promise<string> {
  const work = proxyService<WorkService>(SERVICE);
  const a = await work.work(`${key}-a`, 50);
  const b = await work.work(`${key}-b`, 50);
  return `${a} + ${b}`;
}

/** A worker on `pulsar` and the private Redis whose JSON log lines land in `lines`. */
async function outageWorker(
  name: string,
  pulsar: TestTenant,
  redis: PrivateRedis,
  service: WorkServiceImpl,
  lines: string[],
  shutdownGracePeriodSeconds: number,
): Promise<{ worker: InfiniticWorker; storage: Storage }> {
  const storage = await createRedisStorage({
    host: '127.0.0.1',
    port: redis.port,
    timeout: REDIS_TIMEOUT_MS,
  });
  const worker = new InfiniticWorker({
    name,
    transport: pulsar.connect(name),
    storage,
    services: { [SERVICE]: service },
    serviceOptions: { [SERVICE]: { concurrency: CONCURRENCY } },
    workflows: { [WORKFLOW]: twoSteps },
    maxRedeliverCount: MAX_REDELIVER,
    negativeAckRedeliveryDelayMs: NACK_MS,
    shutdownGracePeriodSeconds,
    closeComponents: true,
    logger: createLogger({ name, level: 'info', destination: { write: (line: string) => lines.push(line) } }),
  });
  await worker.start();
  return { worker, storage };
}

/** Messages kept on the dead-letter topic of `topic`'s subscription (0 when it was never created). */
async function deadLetters(pulsar: TestTenant, topic: string): Promise<number> {
  const subscription = subscriptionFor(topic);
  const stats = await pulsar.transport.admin.topicStats(
    pulsar.tenant,
    pulsar.namespace,
    topics.deadLetter(topic, subscription),
  );
  return stats?.subscriptions[deadLetterSubscription(subscription)]?.msgBacklog ?? 0;
}

function logged(lines: string[], msg: RegExp): Array<{ level: number; msg: string }> {
  return lines
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => msg.test(entry.msg));
}

test('tasks and workflows in flight ride out a Redis outage: each done once, none dead-lettered', async (t) => {
  const redis = await PrivateRedis.start();
  const pulsar = pulsarTenant('storage-outage', { clientName: 'outage-client' });
  const service = new WorkServiceImpl();
  const lines: string[] = [];
  const { worker } = await outageWorker('outage-worker', pulsar, redis, service, lines, 5);
  const client = new InfiniticClient({ transport: pulsar.transport });
  t.after(async () => {
    await client.close();
    await worker.close();
    await pulsar.close();
    await redis.close();
  });

  // Half the tasks with a caller-chosen id (outcome looked up before running), half fresh.
  const tasks = Array.from({ length: 40 }, (_, i) => {
    const key = `task-${i}`;
    const taskId = i % 2 === 0 ? randomUUID() : undefined;
    return {
      key,
      result: client.runTask<string>(SERVICE, 'work', [key, 100], {
        timeoutMs: 45_000,
        ...(taskId ? { taskId } : {}),
      }),
    };
  });
  const flows = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const key = `flow-${i}`;
      const handle = await client.dispatchWorkflow<string>(WORKFLOW, 'run', [key]);
      return { key, result: handle.result({ timeoutMs: 45_000 }) };
    }),
  );
  const settled = new Set<string>();
  for (const { key, result } of [...tasks, ...flows]) {
    result.then(
      () => settled.add(key),
      () => settled.add(key),
    );
  }

  // Stop Redis mid-way, and keep it down well past what the redeliveries would last.
  while (service.total < 8) await sleep(10);
  await redis.kill();
  const runsAtKill = service.total;
  await sleep(OUTAGE_MS);
  const runsInOutage = service.total - runsAtKill;
  // Consumption stopped by itself: only the messages the executor may hold at once (2 x concurrency)
  // ran, with their outcome records waiting.
  assert.ok(runsInOutage <= 2 * CONCURRENCY, `${runsInOutage} task runs during the outage`);
  const pendingAtRestart = tasks.length + flows.length - settled.size;
  assert.ok(pendingAtRestart > 0, 'some work was still pending when Redis came back');
  await redis.resume();

  const results = await Promise.all(tasks.map((task) => task.result));
  assert.deepEqual(
    results,
    tasks.map(({ key }) => `done ${key}`),
  );
  const flowResults = await Promise.all(flows.map((flow) => flow.result));
  assert.deepEqual(
    flowResults,
    flows.map(({ key }) => `done ${key}-a + done ${key}-b`),
  );
  const expectedKeys = [
    ...tasks.map(({ key }) => key),
    ...flows.flatMap(({ key }) => [`${key}-a`, `${key}-b`]),
  ].sort();
  assert.deepEqual([...service.runs.keys()].sort(), expectedKeys);
  const twice = [...service.runs].filter(([, n]) => n !== 1);
  assert.deepEqual(twice, [], 'every task method ran once');
  assert.equal(await deadLetters(pulsar, topics.taskExecutor(SERVICE)), 0);
  assert.equal(await deadLetters(pulsar, topics.workflowEngine(WORKFLOW)), 0);

  // One warning when the outage started, one line when it ended: not one per message.
  assert.equal(logged(lines, /^storage unreachable/).length, 1, lines.join(''));
  assert.equal(logged(lines, /^storage answers again/).length, 1, lines.join(''));
  assert.deepEqual(logged(lines, /dead-lettered|workflow step failed/), []);
  t.diagnostic(
    `${runsAtKill} runs before the outage, ${runsInOutage} during it, ${pendingAtRestart} callers waiting at restart`,
  );
});

test('a shutdown during a Redis outage ends within the grace period and loses nothing', async (t) => {
  const GRACE_SECONDS = 1;
  const redis = await PrivateRedis.start();
  const pulsar = pulsarTenant('storage-outage-stop', { clientName: 'outage-client' });
  const service = new WorkServiceImpl();
  const lines: string[] = [];
  const first = await outageWorker('outage-first', pulsar, redis, service, lines, GRACE_SECONDS);
  const client = new InfiniticClient({ transport: pulsar.transport });
  let second: InfiniticWorker | undefined;
  t.after(async () => {
    await client.close();
    await first.worker.close();
    await second?.close();
    await pulsar.close();
    await redis.close();
  });

  await redis.kill();
  // Fresh tasks run and wait to record their outcome; caller-chosen ids wait to look theirs up.
  const tasks = Array.from({ length: 6 }, (_, i) => {
    const key = `stop-${i}`;
    const taskId = i % 2 === 0 ? randomUUID() : undefined;
    return {
      key,
      result: client.runTask<string>(SERVICE, 'work', [key, 50], {
        timeoutMs: 40_000,
        ...(taskId ? { taskId } : {}),
      }),
    };
  });
  while (service.total < 3) await sleep(10);
  await sleep(1500); // the held messages are now waiting on the outage watcher

  const started = performance.now();
  await first.worker.close();
  const closeMs = performance.now() - started;
  assert.ok(closeMs < GRACE_SECONDS * 1000 + 1500, `close took ${Math.round(closeMs)} ms`);
  assert.equal(first.worker.state, 'stopped');

  // The released messages go to the next worker once Redis is back; every caller is answered.
  await redis.resume();
  second = (await outageWorker('outage-second', pulsar, redis, service, lines, GRACE_SECONDS)).worker;
  const results = await Promise.all(tasks.map((task) => task.result));
  assert.deepEqual(
    results,
    tasks.map(({ key }) => `done ${key}`),
  );
  for (const { key } of tasks) assert.ok((service.runs.get(key) ?? 0) >= 1, `${key} ran`);
  assert.equal(await deadLetters(pulsar, topics.taskExecutor(SERVICE)), 0);
  t.diagnostic(`close took ${Math.round(closeMs)} ms (grace ${GRACE_SECONDS} s)`);
});
