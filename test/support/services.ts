/**
 * Where the real test services live. `scripts/test-env env` exports these; the defaults are the
 * loopback addresses that script provisions. Every accessor is a plain read: no test skips
 * because a service is missing, it fails and says which one.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const services = {
  pulsarAdminUrl: process.env.PULSAR_ADMIN_URL ?? 'http://127.0.0.1:8080',
  pulsarWsUrl: process.env.PULSAR_WS_URL ?? 'ws://127.0.0.1:8080',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgresUrl: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysqlUrl: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  images: {
    pulsar: process.env.INFINITIC_PULSAR_IMAGE ?? 'local/pulsar:4.0.8',
    redis: process.env.INFINITIC_REDIS_IMAGE ?? 'local/redis:7',
    node: process.env.NODE_IMAGE ?? 'local/node:24',
  },
} as const;

/** A name unique to this test run, safe for Pulsar tenants, Redis prefixes and container names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Label put on every container, network and volume a test creates; `npm test` removes leftovers by it. */
export const TEST_LABEL = { 'io.infinitic.test': 'true' } as const;

/** Runs `probe`; on failure throws an error that names the service, its address and how to provision it. */
export async function requireService<T>(
  service: string,
  address: string,
  probe: () => Promise<T>,
): Promise<T> {
  try {
    return await probe();
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${service} is unreachable at ${address}: ${cause} (provision it with scripts/test-env)`,
      {
        cause: error,
      },
    );
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
