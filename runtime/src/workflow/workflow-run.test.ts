import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channel, inline, proxyService, random, sleep } from './api.ts';
import { all, any } from './deferred.ts';
import { DeterminismError } from './errors.ts';
import type { CommandEntry, EventEntry } from './state.ts';
import { type CheckMode, WorkflowRun } from './workflow-run.ts';

const info = {
  workflowId: 'w1',
  workflowName: 'W',
  version: 0,
  method: 'run',
  tags: [],
  meta: {},
  runId: 'r1',
};
interface Svc {
  a(): string;
  b(): string;
}

async function run(
  fn: () => Promise<unknown>,
  events: EventEntry[],
  recorded?: CommandEntry[],
  checkMode?: CheckMode,
) {
  const r = new WorkflowRun(info, 1000);
  if (recorded) r.expect(recorded, checkMode);
  r.start(fn);
  await r.settle();
  const emitted: CommandEntry[] = [...r.takeCommands()];
  for (const event of events) {
    r.setNow(event.at);
    r.feed(event);
    await r.settle();
    emitted.push(...r.takeCommands());
  }
  if (recorded) r.endReplay();
  return { r, emitted };
}

test('commands get consecutive positions; outcomes resolve them in the order they are fed', async () => {
  const wf = async () => {
    const s = proxyService<Svc>('Svc');
    const first = await any([s.a(), s.b()]);
    const both = await all([s.a(), s.b()]);
    return { first, both };
  };
  const { r, emitted } = await run(wf, [
    { t: 'ok', p: 1, r: 'B', at: 1 },
    { t: 'ok', p: 0, r: 'A', at: 2 },
    { t: 'ok', p: 3, r: 'b', at: 3 },
    { t: 'ok', p: 2, r: 'a', at: 4 },
  ]);
  assert.deepEqual(
    emitted.map((c) => `${c.p}:${c.name}`),
    ['0:Svc.a', '1:Svc.b', '2:Svc.a', '3:Svc.b'],
  );
  assert.deepEqual(r.outcome, { status: 'completed', result: { first: 'B', both: ['a', 'b'] } });
});

test('replay with the recorded commands re-emits nothing new and reaches the same outcome', async () => {
  const wf = async () => `${await proxyService<Svc>('Svc').a()}-${random()}`;
  const first = await run(wf, [{ t: 'ok', p: 0, r: 'A', at: 5 }]);
  const again = await run(wf, [{ t: 'ok', p: 0, r: 'A', at: 5 }], first.emitted);
  assert.deepEqual(again.emitted, []);
  assert.deepEqual(again.r.outcome, first.r.outcome);
  assert.equal(again.r.determinismError, undefined);
});

test('a replay asking for another command is a DeterminismError naming position and commands', async () => {
  const recorded: CommandEntry[] = [{ t: 'cmd', p: 0, kind: 'task', name: 'Svc.a' }];
  const { r } = await run(async () => proxyService<Svc>('Svc').b(), [], recorded);
  assert.ok(r.determinismError instanceof DeterminismError);
  assert.equal(r.determinismError.position, 0);
  assert.equal(r.determinismError.expected, 'task Svc.a');
  assert.equal(r.determinismError.actual, 'task Svc.b');
  assert.match(r.determinismError.message, /workflow W \(w1\) is not deterministic at position 0/);
});

test('checkMode none compares no kinds, names or arguments, only that each command was recorded', async () => {
  const recorded: CommandEntry[] = [{ t: 'cmd', p: 0, kind: 'task', name: 'Svc.a' }];
  const other = async () => proxyService<Svc>('Svc').b();
  const { r } = await run(other, [{ t: 'ok', p: 0, r: 'A', at: 5 }], recorded, 'none');
  assert.equal(r.determinismError, undefined);
  assert.deepEqual(r.outcome, { status: 'completed', result: 'A' });
  const twice = async () => [await proxyService<Svc>('Svc').a(), await proxyService<Svc>('Svc').a()];
  const extra = await run(twice, [], [], 'none');
  assert.ok(extra.r.determinismError instanceof DeterminismError, 'a command history lacks still fails');
  const simple = await run(other, [], recorded, 'simple');
  assert.ok(simple.r.determinismError instanceof DeterminismError);
});

test('a replay that stops asking for a recorded command is a DeterminismError too', async () => {
  const recorded: CommandEntry[] = [{ t: 'cmd', p: 0, kind: 'timer', name: 'timer', until: 2000 }];
  const { r } = await run(async () => 'nothing', [], recorded);
  assert.equal(r.determinismError?.expected, 'timer timer');
  assert.equal(r.determinismError?.actual, 'nothing');
});

test('signals are buffered until received; a receive with timeout resolves undefined', async () => {
  const wf = async () => {
    const early = await channel<string>('c').receive();
    const late = await channel<string>('c').receive({ timeoutMs: 100 });
    const fired = await sleep(50);
    return { early, late, fired };
  };
  const { r, emitted } = await run(wf, [
    { t: 'sig', ch: 'c', v: 'hello', id: 's1', at: 1500 },
    { t: 'ok', p: 2, r: 1600, at: 1600 },
    { t: 'ok', p: 3, r: 1650, at: 1650 },
  ]);
  assert.deepEqual(
    emitted.map((c) => `${c.kind}:${c.until ?? ''}`),
    ['receive:', 'receive:', 'timer:1600', 'timer:1650'],
  );
  assert.deepEqual(r.outcome, {
    status: 'completed',
    result: { early: 'hello', late: undefined, fired: 1650 },
  });
});

test('a failed deferred nobody awaits does not crash the process', async () => {
  const wf = async () => {
    proxyService<Svc>('Svc').a(); // fire and forget
    return 'done';
  };
  const { r } = await run(wf, [{ t: 'ko', p: 0, e: { name: 'Error', message: 'x' }, at: 1 }]);
  assert.deepEqual(r.outcome, { status: 'completed', result: 'done' });
});

test('inline runs once and replays its recorded value (or error)', async () => {
  let calls = 0;
  const wf = async () => {
    const value = inline(() => {
      calls += 1;
      return { n: calls };
    });
    let error = '';
    try {
      inline(() => {
        throw new Error('boom');
      });
    } catch (e) {
      error = (e as Error).message;
    }
    return { value, error };
  };
  const first = await run(wf, []);
  assert.deepEqual(first.r.outcome, { status: 'completed', result: { value: { n: 1 }, error: 'boom' } });
  const again = await run(wf, [], first.emitted);
  assert.equal(calls, 1, 'not run again on replay');
  assert.deepEqual(again.r.outcome, first.r.outcome);
});

test('strict check mode also compares arguments', async () => {
  const recorded: CommandEntry[] = [{ t: 'cmd', p: 0, kind: 'task', name: 'Svc.a', args: ['x'] }];
  const wf = async () => (proxyService<{ a(s: string): string }>('Svc') as { a(s: string): unknown }).a('y');
  const simple = new WorkflowRun(info, 1000);
  simple.expect(recorded);
  simple.start(wf);
  await simple.settle();
  assert.equal(simple.determinismError, undefined, 'simple: same kind and name is enough');
  const strict = new WorkflowRun(info, 1000);
  strict.expect(recorded, 'strict');
  strict.start(wf);
  await strict.settle();
  assert.equal(strict.determinismError?.expected, 'task Svc.a("x")');
  assert.equal(strict.determinismError?.actual, 'task Svc.a("y")');
});
