/** Child processes of the tests: spawned with their output kept, or run to the end under a hard time bound. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface Captured {
  child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  /** All the child has written to stdout / stderr so far. */
  out(): string;
  err(): string;
}

export interface SpawnOptions {
  cwd?: string;
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string | undefined>;
  /** Default 'pipe': a pipe nobody writes to, so the child has no TTY. */
  stdin?: 'pipe' | 'ignore';
}

/** Spawns `command`, keeping its stdout and stderr as they arrive. */
export function spawnCaptured(command: string, args: string[], options: SpawnOptions = {}): Captured {
  // A `node --test` started from inside a test would otherwise report to us in the runner's binary protocol.
  const { NODE_TEST_CONTEXT: _nested, ...inherited } = process.env;
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
    env: { ...inherited, ...options.env },
    // stdout and stderr are pipes whatever stdin is
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  return { child, out: () => stdout, err: () => stderr };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * A time bound for a child process, multiplied by TEST_TIMEOUT_SCALE (scripts/test sets 2): the
 * bounds guard against hangs, and a busy 2-core machine runs an npm install several times slower.
 */
export function scaledTimeout(ms: number): number {
  const scale = Number(process.env.TEST_TIMEOUT_SCALE ?? 1);
  return Number.isFinite(scale) && scale > 0 ? Math.round(ms * scale) : ms;
}

/** Runs `command` to its end; rejects (after killing it) when it is still running after `timeoutMs` (scaled). */
export function run(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<Run> {
  const started = Date.now();
  const timeoutMs = scaledTimeout(options.timeoutMs);
  return new Promise((resolve, reject) => {
    const { child, out, err } = spawnCaptured(command, args, options);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} still running after ${timeoutMs} ms\n${out()}\n${err()}`),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out(), stderr: err(), ms: Date.now() - started });
    });
  });
}
