/** The executor on the in-memory transport and storage: the attempt limit and shutdown of waiting messages. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from '../observability/logger.ts';
import { InMemoryStorage } from '../storage/in-memory-storage.ts';
import { InMemoryTransport } from '../transport/in-memory/in-memory-transport.ts';
import { type ExecuteTaskMessage, encodeMessage } from './messages.ts';
import { TaskExecutor } from './task-executor.ts';

function executeTask(serviceName: string, taskName: string): ExecuteTaskMessage {
  return {
    type: 'executeTask',
    messageId: randomUUID(),
    taskId: randomUUID(),
    serviceName,
    taskName,
    args: [],
    retryIndex: 0,
    meta: {},
    freshId: true,
    emitterName: 'test',
    dispatchedAt: Date.now(),
  };
}

test('no more than `concurrency` attempts run at once, though more messages are in hand', async () => {
  const transport = new InMemoryTransport();
  let running = 0;
  let most = 0;
  let done = 0;
  const executor = new TaskExecutor({
    workerName: 'w',
    serviceName: 'Slow',
    implementation: {
      async work() {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        done++;
      },
    },
    transport,
    storage: new InMemoryStorage(),
    logger: createLogger({ level: 'silent' }),
    concurrency: 2,
  });
  await executor.start();
  for (let i = 0; i < 8; i++)
    await transport.send(executor.topic, { payload: encodeMessage(executeTask('Slow', 'work')) });
  const deadline = Date.now() + 5000;
  while (done < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(done, 8);
  assert.equal(most, 2);
  await executor.close();
  await transport.close(0);
});

test('on close, messages waiting for an attempt slot do not start', async () => {
  const transport = new InMemoryTransport();
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor = new TaskExecutor({
    workerName: 'w',
    serviceName: 'Gate',
    implementation: {
      async work() {
        started.push('work');
        await gate;
      },
    },
    transport,
    storage: new InMemoryStorage(),
    logger: createLogger({ level: 'silent' }),
    concurrency: 1,
  });
  await executor.start();
  for (let i = 0; i < 2; i++)
    await transport.send(executor.topic, { payload: encodeMessage(executeTask('Gate', 'work')) });
  const deadline = Date.now() + 5000;
  while (started.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const closing = executor.close(1000);
  release();
  await closing;
  assert.deepEqual(started, ['work'], 'the second message, waiting for the slot, never ran');
  await transport.close(0);
});
