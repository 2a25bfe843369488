/** The wiring: InfiniticWorker runs workflows (`workflows` option) and InfiniticClient starts, signals and lists them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import { WorkflowCanceledError } from '../src/workflow/index.ts';
import { GreetServiceImpl, sequentialWorkflow, signalWorkflow } from './fixtures/workflow-definitions.ts';

test('a worker runs workflows; its client starts, signals, cancels and lists them', async () => {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  const worker = new InfiniticWorker({
    name: 'wired',
    transport,
    storage,
    services: { Greet: new GreetServiceImpl() },
    workflows: { Sequential: sequentialWorkflow('Greet'), Signals: signalWorkflow('Greet') },
    workflowOptions: { concurrency: 4 },
    shutdownGracePeriodSeconds: 1,
    logLevel: 'silent',
  });
  await worker.start();
  const client = worker.newClient();
  try {
    const result = await client
      .workflow<{ run(names: string[]): { out: string[] } }>('Sequential')
      .run(['a', 'b']);
    assert.deepEqual(result.out, ['Hello a', 'Hello b']);
    const handle = await client.dispatchWorkflow<{ approval: unknown }>('Signals', 'run', [10_000], {
      tags: ['t'],
    });
    await client.signal('Signals', handle.workflowId, 'approval', { ok: true });
    assert.deepEqual((await handle.result({ timeoutMs: 10_000 })).approval, { ok: true });
    const sleeping = await client.dispatchWorkflow('Signals', 'run', [60_000]);
    await client.cancel('Signals', sleeping.workflowId);
    await assert.rejects(sleeping.result({ timeoutMs: 10_000 }), WorkflowCanceledError);
    assert.equal((await client.getWorkflow('Signals', handle.workflowId))?.status, 'completed');
    assert.deepEqual(
      (await client.listWorkflows('Signals', { tag: 't' })).map((w) => w.workflowId),
      [handle.workflowId],
    );
    assert.equal(
      (await client.workflows.inspectWorkflow('Signals', sleeping.workflowId))?.status,
      'canceled',
    );
  } finally {
    await client.close();
    await worker.close();
    await transport.close(0);
  }
});

test('reply: false starts a workflow without the client subscribing for it; result() still attaches later', async () => {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  const worker = new InfiniticWorker({
    name: 'no-reply',
    transport,
    storage,
    services: { Greet: new GreetServiceImpl() },
    workflows: { Sequential: sequentialWorkflow('Greet') },
    shutdownGracePeriodSeconds: 1,
    logLevel: 'silent',
  });
  await worker.start();
  const client = worker.newClient();
  const responseTopic = client.workflows.responseTopic;
  const subscribed = () => transport.stats().some((s) => s.topic === responseTopic);
  try {
    const handle = await client.dispatchWorkflow<{ out: string[] }>('Sequential', 'run', [['c']], {
      reply: false,
    });
    assert.equal(subscribed(), false, 'no response subscription for a fire-and-forget start');
    let status: string | undefined;
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      status = (await client.getWorkflow('Sequential', handle.workflowId))?.status;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(status, 'completed');
    assert.deepEqual((await handle.result({ timeoutMs: 10_000 })).out, ['Hello c']);
    assert.equal(subscribed(), true, 'result() attached through the response topic');
  } finally {
    await client.close();
    await worker.close();
    await transport.close(0);
  }
});
