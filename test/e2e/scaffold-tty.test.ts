/**
 * The real prompts (@inquirer/prompts) in a pseudo-terminal made by util-linux `script`: each
 * answer is typed once its question is on screen, and Ctrl+C prints "Cancelled" once.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CREATE_BIN } from './scaffold-helpers.ts';

const root = mkdtempSync(path.join(tmpdir(), 'scaffold-tty-'));
after(() => rmSync(root, { recursive: true, force: true }));
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the bin in a PTY; `steps` are [text to wait for, keys to type]. Resolves with exit code and screen. */
function inTerminal(args: string[], steps: [string, string][], cwd: string, timeoutMs = 30_000) {
  const command = [process.execPath, '--conditions=source', CREATE_BIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let seen = 0;
  let next = 0;
  return new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`no exit after ${timeoutMs} ms; waiting for "${steps[next]?.[0]}"; screen:\n${screen}`),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      screen += chunk;
      // answer each question once, when its text shows up after the previous answer
      while (next < steps.length && screen.indexOf(steps[next]![0], seen) !== -1) {
        seen = screen.indexOf(steps[next]![0], seen) + steps[next]![0].length;
        child.stdin.write(steps[next]![1]);
        next++;
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('create-infinitic-app in a terminal', () => {
  it('Ctrl+C at a prompt prints "Cancelled" once, exits 130 and writes nothing', async (t) => {
    if (!hasScript) return t.skip('util-linux `script` is not installed: no pseudo-terminal to test with');
    const cwd = mkdtempSync(path.join(root, 'cancel-'));
    const { code, screen } = await inTerminal([], [['Project directory', '\x03']], cwd);
    assert.equal(code, 130, screen);
    assert.equal(screen.split('Cancelled').length - 1, 1, screen);
    assert.doesNotMatch(screen, /error:|\n\s+at /);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('asks each open question and generates from the answers', async (t) => {
    if (!hasScript) return t.skip('util-linux `script` is not installed: no pseudo-terminal to test with');
    const cwd = mkdtempSync(path.join(root, 'ask-'));
    const down = '\x1b[B';
    const steps: [string, string][] = [
      ['Project directory', 'tty-app\r'],
      ['Package name', '\r'],
      ['Package manager', '\r'],
      ['Storage backend', `${down}\r`], // redis -> postgres
      ['Pulsar tenant', '\r'],
      ['Pulsar namespace', '\r'],
      ['Sample code', '\r'],
      ['Worker replicas', '\x7f3\r'], // replace the default 2 with 3
    ];
    const { code, screen } = await inTerminal(['--no-install', '--no-git'], steps, cwd);
    assert.equal(code, 0, screen);
    assert.match(screen, /Created tty-app in \.\/tty-app/);
    assert.match(readFileSync(path.join(cwd, 'tty-app/config/base.yml'), 'utf8'), /postgres:/);
    assert.match(readFileSync(path.join(cwd, 'tty-app/docker-compose.yml'), 'utf8'), /replicas: 3/);
    assert.equal(existsSync(path.join(cwd, 'tty-app/.git')), false);
  });
});
