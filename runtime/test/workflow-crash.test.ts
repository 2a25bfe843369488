/**
 * Crash recovery on a real broker and store: 200 workflows run on 3 worker processes (Pulsar-WS
 * + Redis) while workers are SIGKILLed and replaced every 700 ms. Every workflow must complete,
 * exactly once: one run per instance (the run id reaching its last task), one result per caller.
 * Tasks themselves are at-least-once (a killed worker's in-flight task runs again); the figures
 * are printed. Children run runtime/test/fixtures/workflow-worker.ts.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { services, uniqueName, waitFor } from '../../test/support/services.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { WorkflowClient, type WorkflowHandle } from '../src/workflow/index.ts';
import { deleteRedisKeys, pulsarTenant, redisStorageOptions } from './fixtures/test-backends.ts';

const FIXTURE = new URL('./fixtures/workflow-worker.ts', import.meta.url).pathname;
const WORKFLOWS = 200;

describe('workflow crash recovery (pulsar-ws + redis, SIGKILLed worker processes)', () => {
  const pulsar = pulsarTenant('wf-crash', { clientName: 'crash-test' });
  const { tenant, namespace, transport } = pulsar;
  const prefix = `${uniqueName('wf-crash')}:`;
  const service = uniqueName('Tally').replaceAll('-', '_');
  const workflow = uniqueName('Crashy').replaceAll('-', '_');
  const children = new Set<ChildProcess>();
  let storage: Storage;
  let client: WorkflowClient;
  let redis: Redis;

  before(async () => {
    await transport.provision();
    storage = await createRedisStorage(redisStorageOptions(prefix));
    client = new WorkflowClient({ transport, storage });
    redis = new Redis(services.redisUrl);
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await client?.close();
    await transport.close(0);
    await storage?.close();
    redis?.disconnect();
    await deleteRedisKeys(prefix);
    await pulsar.close();
  });

  async function startWorker(name: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--conditions=source', FIXTURE], {
      env: {
        ...process.env,
        PULSAR_ADMIN_URL: services.pulsarAdminUrl,
        REDIS_URL: services.redisUrl,
        WF_TENANT: tenant,
        WF_NAMESPACE: namespace,
        WF_PREFIX: prefix,
        SERVICE: service,
        WORKFLOW: workflow,
        WORKER_NAME: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`worker ${name} exited with ${code} before starting:\n${output}`);
    });
    await Promise.race([
      waitFor(
        `worker ${name} to start`,
        async () => (output.includes('"fixture":"started"') ? true : undefined),
        20_000,
      ),
      exited,
    ]);
    exited.catch(() => {});
    return child;
  }

  test(`${WORKFLOWS} workflows complete exactly once while workers are killed`, {
    timeout: 90_000,
  }, async () => {
    // One after another: concurrent first subscriptions to one topic can get 412 from the broker.
    const workers: Array<{ child?: ChildProcess }> = [];
    for (const name of ['w0', 'w1', 'w2']) workers.push({ child: await startWorker(name) });
    let done = false;
    let kills = 0;
    const restarts: Promise<unknown>[] = [];
    // From the first dispatch on, every 500 ms: SIGKILL a started worker and start its replacement.
    const killer = (async () => {
      for (let round = 0; !done && kills < 10 && round < 60; round++) {
        await new Promise((r) => setTimeout(r, 500));
        const slot = workers[round % workers.length];
        if (done || !slot?.child) continue;
        slot.child.kill('SIGKILL');
        slot.child = undefined;
        kills += 1;
        restarts.push(
          startWorker(`w${round % workers.length}-r${round}`).then((child) => {
            slot.child = child;
          }),
        );
      }
    })();
    const handles: WorkflowHandle<string>[] = [];
    for (let i = 0; i < WORKFLOWS; i++)
      handles.push(await client.dispatchWorkflow<string>(workflow, 'run', [], { id: `wf-${i}` }));
    const results = Promise.allSettled(handles.map((h) => h.result({ timeoutMs: 75_000 })));
    void results.then(() => {
      done = true;
    });
    await killer;
    await Promise.all(restarts);
    const settled = await results;
    const completed = settled.filter((r) => r.status === 'fulfilled' && r.value === 'done').length;
    const failures = settled
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    const runsPerWorkflow = await Promise.all(
      handles.map((h) => redis.scard(`${prefix}runs:${h.workflowId}`)),
    );
    const doubled = runsPerWorkflow.filter((n) => n > 1).length;
    const missing = runsPerWorkflow.filter((n) => n === 0).length;
    const statuses = await Promise.all(handles.map((h) => client.getWorkflow(workflow, h.workflowId)));
    const recorded = statuses.filter((s) => s?.status === 'completed').length;
    const steps = Number(await redis.get(`${prefix}steps`));
    const finishCalls = Number(await redis.get(`${prefix}finish-calls`));
    const report = {
      started: WORKFLOWS,
      completed,
      recordedCompleted: recorded,
      doubled,
      missing,
      kills,
      taskSteps: steps,
      expectedSteps: WORKFLOWS * 8,
      finishCalls,
    };
    console.log(`crash recovery: ${JSON.stringify(report)}`);
    assert.deepEqual(failures.slice(0, 3), []);
    assert.equal(completed, WORKFLOWS);
    assert.equal(recorded, WORKFLOWS);
    assert.equal(doubled, 0, 'no workflow ran twice');
    assert.equal(missing, 0);
    assert.ok(kills >= 1, 'at least one worker was killed mid-run');
  });
});
