import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowInspection, WorkflowSummary } from '@infinitic/runtime';
import {
  listOptions,
  parseWorkflowRoute,
  unknownInstance,
  workflowInspectPath,
  workflowListPath,
} from '../../embedded/workflows-request.ts';
import { CliError, EXIT } from '../run-cli.ts';
import { brief, formatInspection, formatList, formatTime, workflowNames } from './workflows-format.ts';

const T0 = Date.UTC(2026, 10, 27, 10, 31, 2, 456);

const summary = (over: Partial<WorkflowSummary> = {}): WorkflowSummary => ({
  workflowName: 'OrderWorkflow',
  workflowId: 'order-1',
  status: 'running',
  version: 2,
  method: 'run',
  tags: ['vip', 'eu'],
  meta: {},
  startedAt: T0,
  updatedAt: T0 + 61_000,
  historyLength: 3,
  pendingCommands: 1,
  ...over,
});

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof CliError && error.exitCode === EXIT.usage && pattern.test(error.message);

describe('workflows list: flags', () => {
  it('defaults the limit and keeps status and tag', () => {
    assert.deepEqual(listOptions({}), { limit: 50 });
    assert.deepEqual(listOptions({ status: 'failed', tag: 'vip', limit: 7 }), {
      limit: 7,
      status: 'failed',
      tag: 'vip',
    });
    assert.deepEqual(listOptions({ limit: '12' }), { limit: 12 }, 'a query-string number');
  });

  it('refuses bad values with a usage error (exit 64) naming the flag', () => {
    for (const limit of [0, -1, 1.5, Number.NaN, 'ten', 10_001]) {
      assert.throws(() => listOptions({ limit }), usage(/^--limit must be a whole number from 1 to 10000/));
    }
    assert.throws(
      () => listOptions({ status: 'done' }),
      usage(/--status must be one of running, completed, failed, canceled, got 'done'/),
    );
    assert.throws(() => listOptions({ tag: '' }), usage(/--tag needs a tag/));
  });

  it('lists the names given (repeated or comma-separated), else all the target knows', () => {
    assert.deepEqual(workflowNames('A', ['X'], 'here'), ['A']);
    assert.deepEqual(workflowNames(['A', 'B,C', 'A'], [], 'here'), ['A', 'B', 'C']);
    assert.deepEqual(workflowNames(undefined, ['X', 'Y'], 'here'), ['X', 'Y']);
    assert.throws(() => workflowNames('A,', [], 'here'), usage(/--name needs a workflow name/));
    assert.throws(
      () => workflowNames(undefined, [], 'the dev stack app'),
      (e: unknown) =>
        e instanceof CliError &&
        e.exitCode === EXIT.invalid &&
        /^the dev stack app knows no workflow name .*: pass --name NAME$/.test(e.message),
    );
  });

  it('an unknown id is a one-line failure (exit 1) saying how to list ids', () => {
    const error = unknownInstance('OrderWorkflow', 'nope', 'the dev stack app');
    assert.equal(error.exitCode, EXIT.failure);
    assert.equal(error.code, 'INF_WORKFLOW_UNKNOWN');
    assert.equal(
      error.message,
      "no instance 'nope' of workflow OrderWorkflow in the dev stack app (`infinitic workflows list --name OrderWorkflow` lists them)",
    );
  });
});

describe('workflows list: output', () => {
  it('prints an aligned table: id, name, version, status, started, updated, tags', () => {
    const text = formatList(
      [
        summary(),
        summary({
          workflowId: 'a-much-longer-id',
          status: 'completed',
          version: 0,
          tags: [],
          startedAt: T0 + 1000,
          updatedAt: T0 + 2000,
        }),
      ],
      false,
    );
    assert.equal(
      text,
      [
        'ID                NAME           VERSION  STATUS     STARTED               UPDATED               TAGS',
        'order-1           OrderWorkflow  2        running    2026-11-27T10:31:02Z  2026-11-27T10:32:03Z  vip,eu',
        'a-much-longer-id  OrderWorkflow  0        completed  2026-11-27T10:31:03Z  2026-11-27T10:31:04Z  -',
        '',
      ].join('\n'),
    );
  });

  it('ends with what the limit left out, and says when a scan cap was reached', () => {
    const list = [summary(), summary({ workflowId: 'order-0', startedAt: T0 - 1000 })];
    const cut = formatList(list, false, { matched: 1234, scanLimitReached: [] }).split('\n');
    assert.equal(cut.length, 5, 'header, 2 rows, footer, end of text');
    assert.equal(cut[3], 'showing 2 of 1234 instances, newest first (--limit to change)');
    assert.doesNotMatch(
      formatList(list, false, { matched: 2, scanLimitReached: [] }),
      /showing/,
      'nothing cut',
    );
    const capped = formatList(list, false, { matched: 10_000, scanLimitReached: ['OrderWorkflow'] });
    assert.match(capped, /^showing 2 of 10000\+ instances, newest first \(--limit to change\)$/m);
    assert.match(
      capped,
      /^scan cap reached: only 10000 stored instances of OrderWorkflow were read, so newer ones may be missing/m,
    );
    assert.match(
      formatList([], false, { matched: 0, scanLimitReached: ['A', 'B'] }),
      /^\(no workflow instances match\)\nscan cap reached: only 10000 stored instances of A, B were read/,
    );
    assert.deepEqual(
      JSON.parse(formatList(list, true, { matched: 1234, scanLimitReached: ['OrderWorkflow'] })),
      list,
      'JSON stays the array',
    );
  });

  it('says when nothing matches, and prints JSON as the client API returns it', () => {
    assert.equal(formatList([], false), '(no workflow instances match)\n');
    assert.equal(formatList([], true), '[]\n');
    const list = [summary({ result: { ok: true } })];
    assert.deepEqual(JSON.parse(formatList(list, true)), list);
  });

  it('formats times in UTC to the second and keeps values short', () => {
    assert.equal(formatTime(T0), '2026-11-27T10:31:02Z');
    assert.equal(formatTime(undefined), '-');
    assert.equal(brief({ a: 1 }), '{"a":1}');
    assert.equal(brief('x'.repeat(300), 10), `${'"'}${'x'.repeat(8)}…`);
    assert.equal(brief(undefined), 'undefined');
  });
});

describe('workflows inspect: output', () => {
  const running: WorkflowInspection = {
    ...summary({ meta: { region: 'eu' }, historyLength: 25 }),
    args: ['Ada', 2],
    runId: 'run-1',
    pending: [
      { position: 3, kind: 'receive', name: 'approval', timeout: { at: T0 + 3_600_000, timer: 4 } },
      { position: 5, kind: 'timer', name: 'timer', until: T0 + 60_000 },
      { position: 6, kind: 'task', name: 'Shop.ship' },
    ],
    waiters: 1,
    history: {
      commands: 13,
      events: 12,
      byKind: { task: 12, receive: 1 },
      last: [
        { t: 'cmd', p: 2, kind: 'task', name: 'Shop.pay', args: ['Ada', 2] },
        { t: 'ok', p: 2, r: { paid: true }, at: T0 },
        { t: 'ko', p: 1, e: { name: 'TaskFailedError', message: 'boom\nmore' }, at: T0 },
        { t: 'sig', ch: 'approval', v: 'yes', id: 's1', at: T0 },
        { t: 'cmd', p: 3, kind: 'receive', name: 'approval' },
        { t: 'cmd', p: 4, kind: 'timer', name: 'timer', until: T0 + 3_600_000 },
      ],
    },
  };

  it('shows state, pending commands, the history summary and its newest entries', () => {
    assert.equal(
      formatInspection(running, false),
      [
        'OrderWorkflow order-1: running',
        '  method:   run("Ada",2)',
        '  version:  2   run: run-1',
        '  tags:     vip, eu',
        '  meta:     region=eu',
        '  started:  2026-11-27T10:31:02Z   updated: 2026-11-27T10:32:03Z',
        "  pending:  #3 receive 'approval', timeout at 2026-11-27T11:31:02Z (timer #4); #5 timer until 2026-11-27T10:32:02Z; #6 task Shop.ship",
        '  waiters:  1 awaiting the result',
        '  history:  25 entries: 13 commands (task 12, receive 1), 12 events',
        '    … 19 older entries',
        '    #2 task Shop.pay("Ada",2)',
        '    #2 completed: {"paid":true}',
        '    #1 failed: TaskFailedError: boom',
        '    signal on \'approval\': "yes"',
        "    #3 receive 'approval'",
        '    #4 timer until 2026-11-27T11:31:02Z',
        '',
      ].join('\n'),
    );
  });

  it('shows the result of a completed instance and the error of a failed one', () => {
    const done: WorkflowInspection = {
      ...running,
      status: 'completed',
      result: 'Hello, Ada!',
      completedAt: T0 + 90_000,
      historyLength: 0,
      pending: [],
      waiters: 1,
      history: { commands: 0, events: 0, byKind: {}, last: [] },
    };
    const text = formatInspection(done, false);
    assert.match(text, /^OrderWorkflow order-1: completed$/m);
    assert.match(text, /ended: 2026-11-27T10:32:32Z$/m);
    assert.match(text, /^ {2}result: {3}"Hello, Ada!"$/m);
    assert.match(text, /^ {2}pending: {2}none$/m);
    assert.doesNotMatch(text, /waiters:/, 'told already');
    assert.match(text, /history: {2}dropped at the end \(the completion record remains\)/);
    const failed = formatInspection(
      {
        ...done,
        status: 'failed',
        result: undefined,
        error: { name: 'RangeError', message: 'no cake\nat x' },
      },
      false,
    );
    assert.match(failed, /^ {2}error: {4}RangeError: no cake$/m);
    assert.doesNotMatch(failed, /result:/);
    assert.deepEqual(JSON.parse(formatInspection(running, true)), running);
  });
});

describe('dev endpoint workflow routes', () => {
  it('round-trip the client API arguments through paths and query strings', () => {
    const list = workflowListPath('Order Workflow', { status: 'running', tag: 'a&b', limit: 5 });
    assert.equal(list, '/dev/workflows/Order%20Workflow?status=running&tag=a%26b&limit=5');
    assert.deepEqual(parseWorkflowRoute(list), {
      kind: 'list',
      workflowName: 'Order Workflow',
      options: { limit: 5, status: 'running', tag: 'a&b' },
    });
    assert.deepEqual(parseWorkflowRoute(workflowInspectPath('W', 'id/with/slashes')), {
      kind: 'inspect',
      workflowName: 'W',
      workflowId: 'id/with/slashes',
    });
    assert.equal(parseWorkflowRoute('/dev/workflows/'), undefined);
    assert.equal(parseWorkflowRoute('/dev/workflows/a/b/c'), undefined);
    assert.equal(parseWorkflowRoute('/dev/info'), undefined);
    assert.throws(() => parseWorkflowRoute('/dev/workflows/W?limit=0'), usage(/--limit/));
  });
});
