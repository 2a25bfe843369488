/**
 * The smoke tests must fail, naming the service, when it is unreachable: never skip silently.
 * Each smoke file is run in a child `node --test` pointed at a port nothing listens on.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../support/processes.ts';

/** A loopback port that was free a moment ago: connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

const smokeFile = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

const cases = [
  {
    service: 'Pulsar',
    file: 'smoke-pulsar.test.ts',
    env: (port: number) => ({
      PULSAR_ADMIN_URL: `http://127.0.0.1:${port}`,
      PULSAR_WS_URL: `ws://127.0.0.1:${port}`,
    }),
    address: (port: number) => `http://127.0.0.1:${port}`,
  },
  {
    service: 'Redis',
    file: 'smoke-redis.test.ts',
    env: (port: number) => ({ REDIS_URL: `redis://127.0.0.1:${port}` }),
    address: (port: number) => `redis://127.0.0.1:${port}`,
  },
  {
    service: 'Docker engine',
    file: 'smoke-docker.test.ts',
    env: (port: number) => ({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }),
    address: (port: number) => `tcp://127.0.0.1:${port}`,
  },
];

for (const { service, file, env, address } of cases) {
  test(`${file} fails and names ${service} when it is unreachable`, async () => {
    const port = await deadPort();
    const result = await run(process.execPath, ['--test', '--conditions=source', smokeFile(file)], {
      env: env(port),
      timeoutMs: 60_000,
    });
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0, `${file} passed against a dead ${service}:\n${output}`);
    assert.ok(
      output.includes(`${service} is unreachable at ${address(port)}`),
      `${file} did not name ${service} at ${address(port)}:\n${output}`,
    );
    assert.doesNotMatch(output, /# skip [1-9]/, 'a smoke test skipped instead of failing');
  });
}
