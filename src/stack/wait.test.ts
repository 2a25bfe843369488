import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastLines } from './wait.ts';

function frame(stream: number, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

test('lastLines reads Docker multiplexed log frames from stdout and stderr', () => {
  const buffer = Buffer.concat([frame(1, 'starting\n'), frame(2, 'Error: boom\n  at x\n')]);
  assert.equal(lastLines(buffer), 'starting | Error: boom | at x');
  assert.equal(lastLines(Buffer.alloc(0)), '');
});
