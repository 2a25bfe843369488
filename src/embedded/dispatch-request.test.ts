/** runDispatch on a real worker and client over the runtime's in-memory transport and storage. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InfiniticClient, InfiniticWorker, InMemoryStorage, InMemoryTransport } from '@infinitic/runtime';
import { Workflow } from '@infinitic/runtime/workflow';
import { type DispatchClient, type DispatchRequest, oneLine, runDispatch } from './dispatch-request.ts';

class Sample {
  greet(name: string) {
    return `hi ${name}`;
  }
  explode() {
    throw new TypeError('boom');
  }
  hang() {
    return new Promise(() => {});
  }
}

const request = (method: string, extra: Partial<DispatchRequest> = {}): DispatchRequest => ({
  kind: 'service',
  target: 'Sample',
  method,
  args: ['Ada'],
  wait: true,
  timeoutMs: 5000,
  ...extra,
});

describe('runDispatch', () => {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  const worker = new InfiniticWorker({
    name: 'dispatch-test',
    transport,
    storage,
    logLevel: 'silent',
    services: { Sample: new Sample() },
    serviceOptions: { Sample: { retry: { maximumRetries: 1, minimumSeconds: 0.01, maximumSeconds: 0.02 } } },
    shutdownGracePeriodSeconds: 0,
  });
  const client = new InfiniticClient({ transport, storage }) as unknown as DispatchClient;

  before(() => worker.start());
  after(async () => {
    await (client as unknown as InfiniticClient).close();
    await worker.close();
    await transport.close();
  });

  it('completed: the result and the task id', async () => {
    const outcome = await runDispatch(client, request('greet'));
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.status === 'completed' && outcome.result, 'hi Ada');
    assert.match(outcome.id, /^[0-9a-f-]{36}$/);
  });

  it('failed: the last attempt (1-based), error name and message', async () => {
    const outcome = await runDispatch(client, request('explode'));
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.deepEqual(
      { name: outcome.error.name, message: outcome.error.message, attempt: outcome.error.attempt },
      { name: 'TypeError', message: 'boom', attempt: 2 },
    );
  });

  it('--no-wait: dispatched, with the id; no reply asked, the outcome is still recorded', async () => {
    const fresh = new InfiniticClient({ transport, storage });
    try {
      const outcome = await runDispatch(
        fresh as unknown as DispatchClient,
        request('greet', { wait: false }),
      );
      assert.equal(outcome.status, 'dispatched');
      assert.equal(await fresh.getTask(outcome.id).result({ timeoutMs: 5000 }), 'hi Ada');
      const subscribed = transport.stats().some((s) => s.topic === fresh.responseTopic);
      assert.equal(subscribed, false, 'the client never subscribed to its response topic');
    } finally {
      await fresh.close();
    }
  });

  it('no result in time: a one-line timeout error', async () => {
    await assert.rejects(runDispatch(client, request('hang', { timeoutMs: 100 })), {
      code: 'INF_DISPATCH_TIMEOUT',
      message: /no result for Sample\.hang \(.+\) within 0\.1 s: is a worker running Sample\?/,
    });
  });

  it('a workflow on a runtime without workflows: not available yet', async () => {
    const tasksOnly: DispatchClient = { dispatchTask: client.dispatchTask.bind(client) };
    await assert.rejects(runDispatch(tasksOnly, request('run', { kind: 'workflow' })), {
      code: 'INF_NOT_YET',
      message: /workflows are not available in this runtime version yet/,
    });
  });
});

class Greeter extends Workflow {
  async greet(name: string) {
    return `${await this.service<Sample>('Sample').greet(name)}!`;
  }
}

describe('runDispatch of a workflow', () => {
  it('starts it through client.dispatchWorkflow and returns its result', async () => {
    const transport = new InMemoryTransport();
    const storage = new InMemoryStorage();
    const worker = new InfiniticWorker({
      name: 'dispatch-workflow-test',
      transport,
      storage,
      logLevel: 'silent',
      services: { Sample: new Sample() },
      workflows: { Greeter },
      shutdownGracePeriodSeconds: 0,
    });
    await worker.start();
    const client = new InfiniticClient({ transport, storage });
    try {
      const outcome = await runDispatch(client as unknown as DispatchClient, {
        ...request('greet', { kind: 'workflow', target: 'Greeter' }),
      });
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.status === 'completed' && outcome.result, 'hi Ada!');
      assert.equal(outcome.kind, 'workflow');
    } finally {
      await client.close();
      await worker.close();
      await transport.close();
    }
  });
});

describe('oneLine', () => {
  it('joins a title and its issues', () => {
    assert.equal(
      oneLine('invalid configuration (2 problems):\n  a.yml:1:1: x\n  a.yml:2:1: y\n'),
      'invalid configuration (2 problems): a.yml:1:1: x; a.yml:2:1: y',
    );
  });
});
