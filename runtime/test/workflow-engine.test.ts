/**
 * Engine robustness on the in-memory transport and storage: long histories sealed in chunks and
 * rebuilt by a fresh engine, duplicate messages, outcomes arriving before their command was
 * recorded, and write conflicts re-processed against fresh state.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { encodeMessage, type TaskCompletedMessage } from '../src/engine/messages.ts';
import { createLogger } from '../src/observability/logger.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { topics } from '../src/transport/topics.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import {
  all,
  channel,
  proxyService,
  WorkflowClient,
  type WorkflowDefinitions,
  WorkflowEngine,
  WorkflowFailedError,
  WorkflowUnknownError,
} from '../src/workflow/index.ts';
import { encodeWorkflowMessage, type StartWorkflowMessage } from '../src/workflow/messages.ts';
import { type GreetService, GreetServiceImpl } from './fixtures/workflow-definitions.ts';

const logger = createLogger({ level: 'silent' });
const RESULT_MS = 15_000;
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

async function setup(
  workflows: WorkflowDefinitions,
  storage: Storage = new InMemoryStorage(),
  completionRetentionSeconds?: number,
  metricsRegistry?: Registry,
  clock?: () => number,
) {
  const transport = new InMemoryTransport();
  const impl = new GreetServiceImpl();
  const worker = new InfiniticWorker({ name: 'w', transport, storage, services: { Greet: impl }, logger });
  await worker.start();
  const startEngine = async () => {
    const engine = new WorkflowEngine({
      transport,
      storage,
      logger,
      workerName: 'w',
      workflows,
      ...(completionRetentionSeconds !== undefined ? { completionRetentionSeconds } : {}),
      ...(metricsRegistry ? { metricsRegistry } : {}),
      ...(clock ? { clock } : {}),
    });
    await engine.start();
    closers.push(() => engine.close());
    return engine;
  };
  const engine = await startEngine();
  const client = new WorkflowClient({ transport, storage });
  closers.push(
    () => client.close(),
    () => worker.close(),
    () => transport.close(0),
  );
  return { transport, storage, impl, engine, client, startEngine };
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function longWorkflow(before: number, afterSignal: number): Promise<number> {
  const greet = proxyService<GreetService>('Greet');
  let n = 0;
  for (let i = 0; i < before; i++) n += (await greet.hello(`${i}`)).length;
  await channel('go').receive();
  for (let i = 0; i < afterSignal; i++) n += (await greet.hello(`${i}`)).length;
  return n;
}

test('a long history is sealed in chunks, rebuilt by a fresh engine, and cleaned up at the end', async () => {
  const { client, engine, startEngine, storage } = await setup({ Long: longWorkflow });
  const handle = await client.dispatchWorkflow<number>('Long', 'run', [150, 30]);
  const waiting = await until('the instance to wait for its signal', async () => {
    const i = await client.inspectWorkflow('Long', handle.workflowId);
    return i?.history.byKind.receive === 1 ? i : undefined;
  });
  assert.equal(waiting.history.commands, 151);
  assert.equal(waiting.historyLength, 301, '151 commands + 150 outcomes');
  assert.ok(((await storage.keyValue.scan?.('workflow.history.')) ?? []).length >= 4, 'sealed chunks');
  await engine.close();
  const fresh = await startEngine();
  await client.signal('Long', handle.workflowId, 'go', true);
  const expected =
    Array.from({ length: 150 }, (_, i) => `Hello ${i}`.length).reduce((a, b) => a + b, 0) +
    Array.from({ length: 30 }, (_, i) => `Hello ${i}`.length).reduce((a, b) => a + b, 0);
  assert.equal(await handle.result({ timeoutMs: RESULT_MS }), expected);
  assert.equal(fresh.stats.rebuilds, 1, 'one full replay, then the live run was cached');
  assert.ok(fresh.stats.cacheHits >= 30);
  assert.deepEqual(await storage.keyValue.scan?.('workflow.history.'), [], 'chunks deleted');
});

async function approval(): Promise<string> {
  await channel('go').receive();
  return proxyService<GreetService>('Greet').hello('real');
}

test('duplicate starts create one instance; an outcome that arrives before its command is kept for it', async () => {
  const { client, transport, impl } = await setup({ Approval: approval });
  const workflowId = randomUUID();
  const start: StartWorkflowMessage = {
    type: 'startWorkflow',
    messageId: randomUUID(),
    workflowName: 'Approval',
    workflowId,
    method: 'run',
    args: [],
    tags: [],
    meta: {},
    emitterName: 'test',
  };
  const topic = topics.workflowEngine('Approval');
  for (let i = 0; i < 2; i++)
    await transport.send(topic, { payload: encodeWorkflowMessage(start), key: workflowId });
  const state = await until('the instance', async () => client.inspectWorkflow('Approval', workflowId));
  assert.equal(state.runId, start.messageId);
  // The task at position 1 does not exist yet: its outcome is buffered until the code asks for it.
  const early: TaskCompletedMessage = {
    type: 'taskCompleted',
    messageId: randomUUID(),
    taskId: `${state.runId}:1`,
    serviceName: 'Greet',
    taskName: 'hello',
    workflowId,
    workflowName: 'Approval',
    emitterName: 'test',
    result: 'from an earlier life',
    retryIndex: 0,
  };
  await transport.send(topic, { payload: encodeMessage(early), key: workflowId });
  await transport.send(topic, { payload: encodeMessage(early), key: workflowId });
  await client.signal('Approval', workflowId, 'go', true);
  assert.equal(
    await client.getWorkflowHandle('Approval', workflowId).result({ timeoutMs: RESULT_MS }),
    'from an earlier life',
  );
  assert.equal((await client.listWorkflows('Approval')).length, 1);
  assert.equal(impl.calls.size, 0);
});

/** In-memory storage where one other writer bumps a workflow state right before our write. */
function withOneConflict(inner: InMemoryStorage): Storage & { injected: number } {
  const storage = {
    kind: inner.kind,
    injected: 0,
    keySet: inner.keySet,
    ping: () => inner.ping(),
    close: () => inner.close(),
    keyValue: {
      ...inner.keyValue,
      get: (k: string) => inner.keyValue.get(k),
      getWithVersion: (k: string) => inner.keyValue.getWithVersion(k),
      put: (k: string, v: Uint8Array | undefined) => inner.keyValue.put(k, v),
      scan: (p: string, l?: number) => inner.keyValue.scan?.(p, l) ?? Promise.resolve([]),
      async putWithVersion(key: string, value: Uint8Array | undefined, expected: number) {
        if (key.startsWith('workflow.state.') && expected > 1 && storage.injected === 0) {
          storage.injected += 1;
          await inner.keyValue.put(key, await inner.keyValue.get(key)); // same bytes, next version
        }
        return inner.keyValue.putWithVersion(key, value, expected);
      },
    },
  };
  return storage;
}

async function threeSteps(): Promise<string[]> {
  const greet = proxyService<GreetService>('Greet');
  return [await greet.hello('a'), await greet.hello('b'), await greet.hello('c')];
}

test('a write conflict re-processes the message against the fresh state', async () => {
  const storage = withOneConflict(new InMemoryStorage());
  const { client, engine } = await setup({ Three: threeSteps }, storage);
  assert.deepEqual(await client.startWorkflow('Three', 'run', [], { timeoutMs: RESULT_MS }), [
    'Hello a',
    'Hello b',
    'Hello c',
  ]);
  assert.equal(storage.injected, 1);
  assert.equal(engine.stats.conflicts, 1);
  assert.ok(engine.stats.rebuilds >= 1, 'the stale live run was dropped and rebuilt');
});

async function counted(key: string): Promise<number> {
  return proxyService<GreetService>('Greet').count(key);
}

test('a completion record answers duplicates within its retention; after it, the id starts anew', async () => {
  let now = Date.now();
  const clock = () => now; // an injected clock: no waiting for the retention to pass
  const { client, impl } = await setup({ Counted: counted }, new InMemoryStorage(), 60, undefined, clock);
  const id = randomUUID();
  assert.equal(await client.startWorkflow('Counted', 'run', ['k'], { id, timeoutMs: RESULT_MS }), 1);
  now += 59_000;
  assert.equal(await client.startWorkflow('Counted', 'run', ['k'], { id, timeoutMs: RESULT_MS }), 1);
  assert.equal(impl.calls.get('k'), 1);
  now += 2_000;
  assert.equal(await client.startWorkflow('Counted', 'run', ['k'], { id, timeoutMs: RESULT_MS }), 2);
});

test('awaiting an instance that never existed rejects with WorkflowUnknownError', async () => {
  const { client } = await setup({ Counted: counted });
  await assert.rejects(
    client.getWorkflowHandle('Counted', 'never-started').result({ timeoutMs: RESULT_MS }),
    (e: unknown) =>
      e instanceof WorkflowUnknownError && /Counted \(never-started\) is unknown/.test(e.message),
  );
});

test('starting a method the workflow does not have fails the instance with a located message', async () => {
  const { client } = await setup({ Counted: counted });
  const failure = await client.startWorkflow('Counted', 'nope', [], { timeoutMs: RESULT_MS }).catch((e) => e);
  assert.ok(failure instanceof WorkflowFailedError, String(failure));
  assert.equal(failure.errorName, 'WorkflowDefinitionError');
  assert.match(failure.errorMessage, /workflow function counted has only the entry point 'run', not 'nope'/);
});

test('the engine reports steps, how runs were found, and ended instances to Prometheus', async () => {
  const registry = new Registry();
  const { client } = await setup({ Three: threeSteps }, new InMemoryStorage(), undefined, registry);
  await client.startWorkflow('Three', 'run', [], { timeoutMs: RESULT_MS });
  const text = await registry.metrics();
  assert.match(text, /infinitic_workflow_steps_total\{workflow="Three",message="startWorkflow"\} 1/);
  assert.match(text, /infinitic_workflow_steps_total\{workflow="Three",message="taskCompleted"\} 3/);
  assert.match(text, /infinitic_workflow_runs_total\{workflow="Three",source="cached"\} 3/);
  assert.match(text, /infinitic_workflow_runs_total\{workflow="Three",source="new"\} 1/);
  assert.match(text, /infinitic_workflow_ended_total\{workflow="Three",status="completed"\} 1/);
  assert.match(text, /infinitic_workflow_step_duration_seconds_count\{workflow="Three"\} 4/);
});

async function fanOut(count: number): Promise<number> {
  const greet = proxyService<GreetService>('Greet');
  const results = await all(Array.from({ length: count }, (_, i) => greet.hello(`${i}`)));
  return results.length;
}

test('a fan-out of 300 parallel tasks is awaited with all()', async () => {
  const { client, engine, storage } = await setup({ FanOut: fanOut });
  const handle = await client.dispatchWorkflow<number>('FanOut', 'run', [300]);
  assert.equal(await handle.result({ timeoutMs: RESULT_MS }), 300);
  assert.equal(engine.stats.rebuilds, 0);
  assert.equal((await client.getWorkflow('FanOut', handle.workflowId))?.status, 'completed');
  assert.deepEqual(await storage.keyValue.scan?.('workflow.history.'), []);
});
