import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runInTaskContext } from '../engine/task-context.ts';
import { createLogger, levelFromEnv } from './logger.ts';

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

test('LOG_LEVEL is used when it names a level; empty or unknown values fall back instead of throwing', () => {
  assert.equal(levelFromEnv('debug'), 'debug');
  assert.equal(levelFromEnv(' WARN '), 'warn');
  assert.equal(levelFromEnv('silent'), 'silent');
  assert.equal(levelFromEnv(''), undefined);
  assert.equal(levelFromEnv('verbose'), undefined);
  const previous = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = '';
  try {
    assert.equal(createLogger().level, 'info');
  } finally {
    if (previous === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previous;
  }
});
