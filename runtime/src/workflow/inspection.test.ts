import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryStorage } from '../storage/in-memory-storage.ts';
import { channel, sleep } from './api.ts';
import { all } from './deferred.ts';
import {
  inspectWorkflowState,
  LIST_SCAN_LIMIT,
  listWorkflowPage,
  listWorkflowSummaries,
} from './inspection.ts';
import { workflowStateKey, workflowTagKey } from './messages.ts';
import type { EventEntry, HistoryEntry, WorkflowState, WorkflowStatus } from './state.ts';
import { encodeState } from './state-store.ts';
import { WorkflowRun } from './workflow-run.ts';

const T0 = Date.UTC(2026, 0, 1);

function state(workflowId: string, over: Partial<WorkflowState> = {}): WorkflowState {
  return {
    format: 1,
    workflowId,
    workflowName: 'W',
    version: 0,
    method: 'run',
    args: [],
    tags: [],
    meta: {},
    runId: `run-${workflowId}`,
    status: 'running',
    startedAt: T0,
    updatedAt: T0,
    waiters: [],
    entryCount: 0,
    chunks: 0,
    tail: [],
    nextPosition: 0,
    pending: {},
    early: [],
    signalIds: [],
    applied: [],
    ...over,
  };
}

async function store(storage: InMemoryStorage, s: WorkflowState): Promise<void> {
  await storage.keyValue.put(workflowStateKey(s.workflowName, s.workflowId), encodeState(s));
  for (const tag of s.tags) await storage.keySet.add(workflowTagKey(s.workflowName, tag), s.workflowId);
}

describe('listing workflow instances', () => {
  it('returns the N newest matching ones, newest first, and how many matched', async () => {
    const storage = new InMemoryStorage();
    // stored in an order unrelated to their start times
    const starts = [5, 1, 9, 3, 7, 9, 2, 8, 4, 6];
    for (const [i, offset] of starts.entries()) {
      const status: WorkflowStatus = i % 2 === 0 ? 'completed' : 'running';
      await store(storage, state(`w${i}`, { startedAt: T0 + offset, status, tags: i < 4 ? ['vip'] : [] }));
    }
    const page = await listWorkflowPage(storage, 'W', { limit: 3 });
    assert.deepEqual(
      page.instances.map((s) => [s.workflowId, s.startedAt - T0]),
      [
        ['w2', 9], // same start as w5: the id breaks the tie
        ['w5', 9],
        ['w7', 8],
      ],
    );
    assert.equal(page.matched, 10);
    assert.equal(page.scanLimitReached, false);
    const running = await listWorkflowPage(storage, 'W', { status: 'running', limit: 2 });
    assert.deepEqual(
      running.instances.map((s) => s.workflowId),
      ['w5', 'w7'],
    );
    assert.equal(running.matched, 5);
    assert.deepEqual(
      (await listWorkflowSummaries(storage, 'W', { tag: 'vip' })).map((s) => s.workflowId),
      ['w2', 'w0', 'w3', 'w1'],
    );
    assert.equal((await listWorkflowPage(storage, 'Other', {})).matched, 0);
  });

  it(`reads at most ${LIST_SCAN_LIMIT} instance ids, and says so`, async () => {
    const storage = new InMemoryStorage();
    const exactly = Array.from({ length: LIST_SCAN_LIMIT }, (_, i) =>
      store(storage, state(`w${i}`, { startedAt: T0 + i })),
    );
    await Promise.all(exactly);
    const full = await listWorkflowPage(storage, 'W', { limit: 2 });
    assert.deepEqual([full.matched, full.scanLimitReached], [LIST_SCAN_LIMIT, false], 'exactly the cap');
    assert.deepEqual(
      full.instances.map((s) => s.workflowId),
      [`w${LIST_SCAN_LIMIT - 1}`, `w${LIST_SCAN_LIMIT - 2}`],
    );
    await store(storage, state('one-more', { startedAt: T0 - 1 }));
    const over = await listWorkflowPage(storage, 'W', { limit: 2 });
    assert.deepEqual([over.matched, over.scanLimitReached], [LIST_SCAN_LIMIT, true]);
  });
});

/**
 * A running instance whose history is what the workflow run recorded for `code` and `events`
 * (commands and events in the order the engine appends them), with its pending commands.
 */
async function recorded(code: () => PromiseLike<unknown>, events: EventEntry[]): Promise<WorkflowState> {
  const run = new WorkflowRun(
    { workflowId: 'w1', workflowName: 'W', version: 0, method: 'run', tags: [], meta: {}, runId: 'r1' },
    T0,
  );
  const tail: HistoryEntry[] = [];
  const pending: WorkflowState['pending'] = {};
  const take = () => {
    for (const command of run.takeCommands()) {
      tail.push(command);
      if (command.kind !== 'receive' && command.kind !== 'inline')
        pending[command.p] = { kind: command.kind, name: command.name };
    }
  };
  run.start(code);
  await run.settle();
  take();
  for (const event of events) {
    tail.push(event);
    if (event.t !== 'sig') delete pending[event.p];
    run.setNow(event.at);
    run.feed(event);
    await run.settle();
    take();
  }
  return state('w1', { tail, entryCount: tail.length, pending, nextPosition: run.position });
}

async function pendingOf(s: WorkflowState) {
  const storage = new InMemoryStorage();
  await store(storage, s);
  return (await inspectWorkflowState(storage, 'W', s.workflowId))?.pending;
}

const sig = (ch: string, v: unknown, at = T0 + 1): EventEntry => ({ t: 'sig', ch, v, id: `${ch}-${at}`, at });

describe('inspecting what an instance waits for', () => {
  it('a receive with a timeout is the receive, with its timeout (not a bare timer)', async () => {
    const s = await recorded(() => channel('approval').receive({ timeoutMs: 60_000 }), []);
    assert.deepEqual(await pendingOf(s), [
      { position: 0, kind: 'receive', name: 'approval', timeout: { at: T0 + 60_000, timer: 1 } },
    ]);
  });

  it('once the signal came, the receive is done: its timer, still due, is a timer', async () => {
    const s = await recorded(async () => {
      await channel('approval').receive({ timeoutMs: 60_000 });
      await channel('next').receive();
    }, [sig('approval', 'yes')]);
    assert.deepEqual(await pendingOf(s), [
      { position: 1, kind: 'timer', name: 'timer', until: T0 + 60_000 },
      { position: 2, kind: 'receive', name: 'next' },
    ]);
  });

  it('a timed-out receive waits no more; a buffered signal satisfies a receive at once', async () => {
    const s = await recorded(async () => {
      await channel('a').receive({ timeoutMs: 10 });
      await channel('b').receive();
      await sleep(5); // right after a receive that took a buffered signal: not its timeout
    }, [
      sig('b', 1, T0 + 5), // before b's receive: buffered
      { t: 'ok', p: 1, r: null, at: T0 + 10 }, // a's timeout
    ]);
    assert.deepEqual(await pendingOf(s), [{ position: 3, kind: 'timer', name: 'timer', until: T0 + 15 }]);
  });

  it('receives on one channel take its signals in order', async () => {
    const s = await recorded(
      () => all([channel('c').receive(), channel('c').receive({ timeoutMs: 1000 }), sleep(500)]),
      [sig('c', 1)],
    );
    assert.deepEqual(await pendingOf(s), [
      { position: 1, kind: 'receive', name: 'c', timeout: { at: T0 + 1000, timer: 2 } },
      { position: 3, kind: 'timer', name: 'timer', until: T0 + 500 },
    ]);
  });
});
