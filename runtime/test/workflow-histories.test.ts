/**
 * Recorded histories of the fixture workflows replay on every change: each recorded history
 * (runtime/test/fixtures/workflow-histories.ts) is replayed against today's code and must ask for
 * the same commands and reach the same outcome. A change that would break running instances
 * (of the fixtures, or in replay itself) fails here. After an intended change, re-record with
 *   RECORD_HISTORIES=1 node --conditions=source runtime/test/workflow-histories.test.ts
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { invokeWorkflow, type WorkflowDefinition } from '../src/workflow/definitions.ts';
import type { CommandEntry, EventEntry, HistoryEntry } from '../src/workflow/state.ts';
import { WorkflowRun } from '../src/workflow/workflow-run.ts';
import {
  failureWorkflow,
  parallelWorkflow,
  sequentialWorkflow,
  signalWorkflow,
  timerWorkflow,
  versionedWorkflows,
} from './fixtures/workflow-definitions.ts';
import { recordedHistories } from './fixtures/workflow-histories.ts';

interface Case {
  definition: WorkflowDefinition;
  args: unknown[];
}

const cases: Record<string, Case> = {
  sequential: { definition: sequentialWorkflow('Greet'), args: [['a', 'b']] },
  parallel: { definition: parallelWorkflow('Greet'), args: [] },
  timer: { definition: timerWorkflow, args: [500] },
  signal: { definition: signalWorkflow('Greet'), args: [1000] },
  failures: { definition: failureWorkflow('Greet'), args: [] },
  versioned: { definition: versionedWorkflows('Greet').Versioned, args: [] },
};

const START = 1_700_000_000_000;
const info = (name: string) => ({
  workflowId: `id-${name}`,
  workflowName: name,
  version: 0,
  method: 'run',
  tags: ['t'],
  meta: { m: 'v' },
  runId: `run-${name}`,
});

/** The canned outcome of a command: what a recording feeds back. */
function outcome(command: CommandEntry, at: number): EventEntry {
  if (command.kind === 'receive')
    return { t: 'sig', ch: command.name, v: { ok: true }, id: `s${command.p}`, at };
  if (command.kind === 'timer') return { t: 'ok', p: command.p, r: command.until, at: command.until ?? at };
  if (command.name.endsWith('.broken')) {
    const failure = {
      name: 'NonRetryableError',
      message: String(command.args?.[0]),
      retryIndex: 0,
      workerName: 'w',
    };
    const details = { taskId: `t${command.p}`, serviceName: 'Greet', taskName: 'broken', failure };
    return { t: 'ko', p: command.p, e: { name: 'TaskFailedError', message: 'failed', details }, at };
  }
  return { t: 'ok', p: command.p, r: `${command.name}(${JSON.stringify(command.args)})`, at };
}

async function record(name: string, c: Case): Promise<{ entries: HistoryEntry[]; outcome: unknown }> {
  const run = new WorkflowRun(info(name), START);
  run.start(() => invokeWorkflow(c.definition, 'run', c.args));
  await run.settle();
  const entries: HistoryEntry[] = [];
  const queue: CommandEntry[] = [];
  let at = START;
  for (let steps = 0; !run.outcome && steps < 100; steps++) {
    const commands = run.takeCommands();
    entries.push(...commands);
    queue.push(...commands);
    const next = queue.shift();
    if (!next) break;
    at += 10;
    const event = outcome(next, at);
    entries.push(event);
    run.setNow(event.at);
    run.feed(event);
    await run.settle();
  }
  entries.push(...run.takeCommands());
  return { entries, outcome: run.outcome };
}

async function replay(name: string, c: Case, entries: HistoryEntry[]) {
  const run = new WorkflowRun(info(name), START);
  run.expect(entries.filter((e): e is CommandEntry => e.t === 'cmd'));
  run.start(() => invokeWorkflow(c.definition, 'run', c.args));
  await run.settle();
  for (const entry of entries) {
    if (entry.t === 'cmd') continue;
    run.setNow(entry.at);
    run.feed(entry);
    await run.settle();
  }
  run.endReplay();
  return run;
}

if (process.env.RECORD_HISTORIES) {
  const recorded: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(cases)) recorded[name] = await record(name, c);
  const file = new URL('./fixtures/workflow-histories.ts', import.meta.url);
  writeFileSync(
    file,
    `/** Recorded by runtime/test/workflow-histories.test.ts (RECORD_HISTORIES=1); replayed on every test run. */\n` +
      `export const recordedHistories: Record<string, { entries: unknown[]; outcome: unknown }> = ${JSON.stringify(recorded, null, 2)};\n`,
  );
  console.log(`recorded ${Object.keys(recorded).length} histories in ${file.pathname}`);
}

// (Recording imports the old file: its tests would compare against it, so none run then.)
for (const [name, c] of process.env.RECORD_HISTORIES ? [] : Object.entries(cases)) {
  test(`recorded history '${name}' replays with the same commands and outcome`, async () => {
    const recorded = recordedHistories[name];
    assert.ok(recorded, `no recorded history '${name}': re-record (see the header of this file)`);
    const run = await replay(name, c, recorded.entries as HistoryEntry[]);
    assert.equal(run.determinismError, undefined, run.determinismError?.message);
    assert.deepEqual(run.takeCommands(), [], 'no command beyond the recorded ones');
    assert.deepEqual(JSON.parse(JSON.stringify(run.outcome)), recorded.outcome);
  });
}

test('a history recorded for other code is a determinism error', async () => {
  const recorded = recordedHistories.sequential;
  assert.ok(recorded);
  const run = await replay('sequential', cases.parallel as Case, recorded.entries as HistoryEntry[]);
  // Both start with Greet.hello (arguments are not compared); parallel asks for a third at once.
  assert.equal(run.determinismError?.position, 2);
  assert.match(
    run.determinismError?.message ?? '',
    /history recorded nothing, the code asked for task Greet\.hello/,
  );
});
