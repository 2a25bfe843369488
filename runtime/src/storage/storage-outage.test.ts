import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../observability/logger.ts';
import { StorageError, storageFailure } from './errors.ts';
import { InMemoryStorage } from './in-memory-storage.ts';
import type { Storage } from './storage.ts';
import { MAX_BLIPS, StorageOutage } from './storage-outage.ts';

const refused = () =>
  storageFailure(
    'redis at 127.0.0.1:1',
    'get',
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  );

/** An in-memory storage whose ping can be switched off, as an unreachable server's would. */
function switchable(): { storage: Storage; down: boolean } {
  const inner = new InMemoryStorage();
  const handle = {
    down: false,
    storage: {
      ...inner,
      kind: 'switchable',
      keyValue: inner.keyValue,
      keySet: inner.keySet,
      close: () => inner.close(),
      ping: async () => {
        if (handle.down) throw refused();
      },
    } satisfies Storage,
  };
  return handle;
}

function logLines() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { lines, logger };
}

test('driver failures are classified: connection-level ones are transient, logical ones are not', () => {
  assert.equal(refused().transient, true);
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  assert.equal(storageFailure('pg', 'query', new Error('wrapped', { cause: reset })).transient, true);
  assert.equal(storageFailure('pg', 'query', new AggregateError([reset])).transient, true);
  for (const message of [
    'Connection is closed.',
    'Command timed out',
    'LOADING Redis is loading the dataset in memory',
    'Connection terminated unexpectedly',
  ]) {
    assert.equal(storageFailure('x', 'get', new Error(message)).transient, true, message);
  }
  for (const message of [
    'ERR Protocol error: invalid bulk length',
    'value too long for type character varying(255)',
    'storage is closed',
  ]) {
    assert.equal(storageFailure('x', 'put', new Error(message)).transient, false, message);
  }
  assert.equal(new StorageError('storage key must be a non-empty string').transient, false);
});

test('a call failing during an outage waits for the storage and runs again; one warning, one end line', async () => {
  const backend = switchable();
  const { lines, logger } = logLines();
  const outage = new StorageOutage(backend.storage, logger, { initialDelayMs: 5, maxDelayMs: 20 });
  backend.down = true;
  let calls = 0;
  const call = async () => {
    calls += 1;
    if (backend.down) throw refused();
    return 'ok';
  };
  const waiting = Promise.all(Array.from({ length: 10 }, () => outage.retry(call)));
  await sleep(100);
  assert.equal(outage.down, true);
  assert.equal(calls, 10, 'nothing is retried while the storage does not answer');
  backend.down = false;
  assert.deepEqual(await waiting, Array(10).fill('ok'));
  assert.equal(outage.down, false);
  assert.deepEqual(
    lines.map((l) => l.msg.split(':')[0]),
    ['storage unreachable', 'storage answers again'],
  );
});

test('other errors go through at once; a transient one while the storage answers is retried a few times', async () => {
  const backend = switchable();
  const outage = new StorageOutage(backend.storage, logLines().logger, { initialDelayMs: 1 });
  const logical = new StorageError('storage key is too long');
  let calls = 0;
  await assert.rejects(
    outage.retry(async () => {
      calls += 1;
      throw logical;
    }),
    logical,
  );
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    outage.retry(async () => {
      calls += 1;
      throw refused();
    }),
    /ECONNREFUSED/,
  );
  assert.equal(calls, MAX_BLIPS + 1);
});

test('aborting (shutdown) ends the wait with the abort reason', async () => {
  const backend = switchable();
  const outage = new StorageOutage(backend.storage, logLines().logger, { initialDelayMs: 5 });
  backend.down = true;
  const stop = new AbortController();
  const waiting = outage.retry(async () => {
    throw refused();
  }, stop.signal);
  await sleep(30);
  const reason = new Error('shutting down');
  stop.abort(reason);
  await assert.rejects(waiting, reason);
});
