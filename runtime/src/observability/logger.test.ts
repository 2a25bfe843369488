import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runInTaskContext } from '../engine/task-context.ts';
import { createLogger } from './logger.ts';

test('log lines carry the task context ids inside a task, and none outside', () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  // pino writes synchronously to a plain stream
  const log = createLogger({ name: 'w1', level: 'info', destination });
  log.info('outside');
  runInTaskContext(
    {
      taskId: 't-1',
      serviceName: 'S',
      taskName: 'run',
      retryIndex: 2,
      workflowId: 'wf-9',
      workflowName: 'W',
      workerName: 'w1',
      meta: {},
      signal: new AbortController().signal,
    },
    () => log.info({ extra: 1 }, 'inside'),
  );
  log.debug('filtered by level');
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.taskId, undefined);
  assert.equal(lines[0]?.name, 'w1');
  assert.deepEqual(
    { ...lines[1], time: 0, pid: 0, hostname: '' },
    {
      level: 30,
      time: 0,
      pid: 0,
      hostname: '',
      name: 'w1',
      taskId: 't-1',
      taskName: 'run',
      serviceName: 'S',
      retryIndex: 2,
      workflowId: 'wf-9',
      workflowName: 'W',
      extra: 1,
      msg: 'inside',
    },
  );
});
