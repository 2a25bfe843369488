/**
 * Worker processes on a real broker and store: tasks spread over 3 processes, a worker SIGKILLed
 * mid-task loses nothing and the caller sees one result, SIGTERM finishes the in-flight task
 * and exits 0. Children run runtime/test/fixtures/counting-worker.ts.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { services, uniqueName, waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import type { CountingService } from './fixtures/counting-worker.ts';
import { deleteRedisKeys, pulsarTenant } from './fixtures/test-backends.ts';

const FIXTURE = new URL('./fixtures/counting-worker.ts', import.meta.url).pathname;

interface Child {
  name: string;
  process: ChildProcess;
  httpPort: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

describe('worker processes (pulsar-ws + redis)', () => {
  const pulsar = pulsarTenant('tasks-proc', { clientName: 'proc-test' });
  const { tenant, namespace, transport } = pulsar;
  const prefix = `${uniqueName('tasks-proc')}:`;
  const children: Child[] = [];
  let client: InfiniticClient;
  let redis: Redis;

  before(async () => {
    await transport.provision();
    client = new InfiniticClient({ transport });
    redis = new Redis(services.redisUrl);
  });
  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await client?.close();
    redis?.disconnect();
    await deleteRedisKeys(prefix);
    await pulsar.close();
  });

  async function startWorker(
    service: string,
    name: string,
    extra: Record<string, string> = {},
  ): Promise<Child> {
    const child = spawn(process.execPath, ['--conditions=source', FIXTURE], {
      env: {
        ...process.env,
        PULSAR_ADMIN_URL: services.pulsarAdminUrl,
        REDIS_URL: services.redisUrl,
        TASKS_TENANT: tenant,
        TASKS_NAMESPACE: namespace,
        TASKS_PREFIX: prefix,
        SERVICE: service,
        WORKER_NAME: name,
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exit = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
    const entry: Child = { name, process: child, httpPort: 0, exit, output: () => output };
    children.push(entry);
    const started = await Promise.race([
      waitFor(
        `worker ${name} to start`,
        async () => {
          const line = output.split('\n').find((l) => l.includes('"fixture":"started"'));
          return line ? (JSON.parse(line) as { httpPort: number }) : undefined;
        },
        20_000,
      ),
      exit.then(({ code }) => {
        throw new Error(`worker ${name} exited with ${code} before starting:\n${output}`);
      }),
    ]);
    entry.httpPort = started.httpPort;
    return entry;
  }

  const count = async (what: 'starts' | 'completions', key: string) =>
    Number((await redis.get(`${prefix}${what}:${key}`)) ?? 0);

  test('tasks spread over 3 worker processes sharing a service', async () => {
    const service = uniqueName('Spread').replaceAll('-', '_');
    // One after another: concurrent first starts can hit a broker-side race when the three
    // create the same subscription (412 "Failed to fence subscription"), a transport issue.
    const workers: Child[] = [];
    for (const n of ['a', 'b', 'c']) workers.push(await startWorker(service, `spread-${n}`));
    for (const w of workers) {
      const res = await fetch(`http://127.0.0.1:${w.httpPort}/ready`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200, `${w.name} ready`);
    }
    const stub = client.service<CountingService>(service);
    const names = await Promise.all(Array.from({ length: 30 }, (_, i) => stub.work(`s${i}`, 50)));
    const perWorker = new Map<string, number>();
    for (const n of names) perWorker.set(n, (perWorker.get(n) ?? 0) + 1);
    assert.deepEqual(
      [...perWorker.keys()].sort(),
      ['spread-a', 'spread-b', 'spread-c'],
      `spread: ${JSON.stringify([...perWorker])}`,
    );
    for (const w of workers) w.process.kill('SIGTERM');
    for (const w of workers) assert.equal((await w.exit).code, 0, w.output());
  });

  test('a worker SIGKILLed mid-task: another runs it, the caller gets one result', async () => {
    const service = uniqueName('Kill').replaceAll('-', '_');
    const doomed = await startWorker(service, 'doomed');
    const handle = await client.dispatch<CountingService>(service).work('k', 2000);
    await waitFor(
      'the task to start on the doomed worker',
      async () => ((await count('starts', 'k')) === 1 ? true : undefined),
      10_000,
    );
    doomed.process.kill('SIGKILL');
    assert.equal((await doomed.exit).signal, 'SIGKILL');
    await startWorker(service, 'survivor');
    assert.equal(await handle.result({ timeoutMs: 20_000 }), 'survivor');
    assert.equal(await count('starts', 'k'), 2, 'started on both workers');
    assert.equal(await count('completions', 'k'), 1, 'completed once');
    // A late duplicate (redelivery) is answered from the record, never re-run.
    const again = await client.runTask(service, 'work', ['k', 2000], {
      taskId: handle.taskId,
      timeoutMs: 10_000,
    });
    assert.equal(again, 'survivor');
    assert.equal(await count('starts', 'k'), 2);
  });

  test('SIGTERM finishes the in-flight task, then the worker exits 0', async () => {
    const service = uniqueName('Term').replaceAll('-', '_');
    const worker = await startWorker(service, 'terminated', { GRACE_SECONDS: '10' });
    const handle = await client.dispatch<CountingService>(service).work('t', 1500);
    await waitFor(
      'the task to start',
      async () => ((await count('starts', 't')) === 1 ? true : undefined),
      10_000,
    );
    const signalledAt = Date.now();
    worker.process.kill('SIGTERM');
    const exit = await Promise.race([
      worker.exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit:\n${worker.output()}`)), 15_000).unref(),
      ),
    ]);
    assert.equal(exit.code, 0, worker.output());
    assert.ok(Date.now() - signalledAt >= 1000, 'waited for the in-flight task');
    assert.equal(await count('completions', 't'), 1, 'the in-flight task finished');
    assert.equal(await handle.result({ timeoutMs: 5000 }), 'terminated');
  });
});
