import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.ts';
import { formatPretty, prettyDestination } from './pretty-log.ts';

function capture(colors: boolean) {
  const lines: string[] = [];
  const out = { write: (text: string) => lines.push(text), isTTY: colors };
  return { lines, out };
}

test('pretty format: time, level, name, message and the other fields on one line', () => {
  const { lines, out } = capture(false);
  const log = createLogger({ name: 'w1', level: 'info', format: 'pretty', destination: out });
  log.info({ taskName: 'sayHello', note: 'two words', n: 3 }, 'task completed');
  log.debug('filtered by level');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0] ?? '',
    /^\d\d:\d\d:\d\d\.\d{3} INFO {2}w1: task completed taskName=sayHello note="two words" n=3\n$/,
  );
  assert.doesNotMatch(lines[0] ?? '', /pid=|hostname=/);
});

test('pretty format: an error prints its stack indented under the line', () => {
  const { lines, out } = capture(false);
  createLogger({ level: 'info', format: 'pretty', destination: out }).error(
    { err: new RangeError('no cake') },
    'task failed',
  );
  const [head, ...stack] = (lines[0] ?? '').trimEnd().split('\n');
  assert.match(head ?? '', / ERROR task failed$/);
  assert.match(stack[0] ?? '', /^ {4}RangeError: no cake$/);
  assert.ok(stack.length > 1, 'the stack frames follow');
});

test('pretty format colors the level on a TTY unless NO_COLOR, and passes non-JSON through', () => {
  const tty = capture(true);
  prettyDestination(tty.out).write('{"level":40,"time":0,"msg":"careful"}\n');
  assert.equal(tty.lines[0], '00:00:00.000 \u001b[33mWARN \u001b[0m careful\n');
  const plain = capture(true);
  prettyDestination(plain.out, { colors: false }).write('{"level":40,"time":0,"msg":"careful"}\n');
  assert.equal(plain.lines[0], '00:00:00.000 WARN  careful\n');
  assert.equal(formatPretty('not json'), 'not json\n');
});
