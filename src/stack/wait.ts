/**
 * Bounded waits on real health: a container's Docker health, Pulsar's admin health endpoint, a Redis
 * PING and a worker's /ready, each failing with a message that names what it waited for and how long.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { STACK_CODES, StackError } from './errors.ts';

export async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<number> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    try {
      if (await check()) return Date.now() - start;
    } catch (error) {
      if (error instanceof StackError) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new StackError(
    STACK_CODES.unhealthy,
    `${what} not ready after ${Math.round(timeoutMs / 1000)} s${last ? ` (last error: ${last})` : ''}`,
  );
}

/** Fails fast if the container stopped; true once Docker reports it healthy. */
export async function containerHealthy(docker: Docker, id: string, name: string): Promise<boolean> {
  const container = docker.getContainer(id);
  const info = await container.inspect();
  // Restarting: it crashed and the restart policy is bringing it back; report the crash now
  if (!info.State.Running || info.State.Restarting) {
    const tail = lastLines(
      await container.logs({ stdout: true, stderr: true, tail: 5 }).catch(() => Buffer.alloc(0)),
    );
    throw new StackError(
      STACK_CODES.unhealthy,
      `container ${name} ${info.State.Restarting ? 'keeps crashing' : 'stopped'} (${info.State.Status}, exit code ${info.State.ExitCode})${tail ? `; last output: ${tail}` : ''}`,
    );
  }
  return info.State.Health?.Status === 'healthy';
}

/** Text of a multiplexed log buffer (8-byte frame headers), lines joined with ` | `. */
export function lastLines(buffer: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size).toString());
    at += 8 + size;
  }
  return parts
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' | ')
    .slice(-600);
}

export async function httpOk(url: string, expect?: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  const text = await response.text();
  return response.ok && (expect === undefined || text.trim() === expect);
}

/** Sends a RESP PING over TCP and expects +PONG. */
export function redisPing(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    // docker-proxy accepts and then closes while the container is not listening yet
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
