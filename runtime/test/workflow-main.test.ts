/**
 * runWorkerMain with workflows, as a container runs it: Pulsar + Redis from a config file, the
 * worker runs the service and the workflow engine, /ready answers, a client runs a workflow
 * through it, SIGTERM exits 0. The worker is selected like a promoted worker group with services
 * and workflows (`--services Greet` + env INFINITIC_WORKFLOWS=Sequential): it runs only those.
 * The child runs runtime/test/fixtures/workflow-main-worker.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { services, uniqueName, waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';

const FIXTURE = new URL('./fixtures/workflow-main-worker.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'workflow-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('runWorkerMain runs workflows from a config: ready, a workflow completes, SIGTERM exits 0', async () => {
  const tenant = uniqueName('wf-main');
  const redis = new URL(services.redisUrl);
  const port = await freePort();
  const config = join(dir, 'worker.yml');
  writeFileSync(
    config,
    [
      'name: workflow-main-worker',
      'transport:',
      '  pulsar:',
      '    brokerServiceUrl: pulsar://127.0.0.1:6650',
      `    webServiceUrl: ${services.pulsarAdminUrl}`,
      `    tenant: ${tenant}`,
      '    namespace: dev',
      'storage:',
      '  redis:',
      `    host: ${redis.hostname}`,
      `    port: ${redis.port || 6379}`,
      `    keyPrefix: "${tenant}:"`,
      'services:',
      '  - name: Greet',
      '    executor: {concurrency: 4}',
      'workflows:',
      '  - name: Sequential',
      '    executor: {concurrency: 4, checkMode: strict}',
      'observability:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      'shutdownGracePeriodSeconds: 5',
      'logging: {level: info}',
    ].join('\n'),
  );
  const child = spawn(
    process.execPath,
    ['--conditions=source', FIXTURE, '--config', config, '--services', 'Greet'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INFINITIC_WORKFLOWS: 'Sequential' } },
  );
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const client = await InfiniticClient.fromConfig(config);
  try {
    await waitFor(
      'the worker to be ready',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/ready`, {
          signal: AbortSignal.timeout(2000),
        }).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const result = await client.startWorkflow<{ out: string[] }>('Sequential', 'run', [['a', 'b']], {
      timeoutMs: 20_000,
    });
    assert.deepEqual(result.out, ['Hello a', 'Hello b']);
    const started = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'worker started');
    assert.deepEqual(started?.services, ['Greet'], output);
    assert.deepEqual(started?.workflows, ['Sequential'], output);
    child.kill('SIGTERM');
    const code = await Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit:\n${output}`)), 20_000).unref(),
      ),
    ]);
    assert.equal(code, 0, output);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await client.close();
    const { PulsarWsTransport } = await import('../src/transport/pulsar-ws/pulsar-ws-transport.ts');
    const admin = new PulsarWsTransport({ webServiceUrl: services.pulsarAdminUrl, tenant, namespace: 'dev' })
      .admin;
    await admin.deleteNamespace(tenant, 'dev').catch(() => {});
    await admin.deleteTenant(tenant).catch(() => {});
    const keys = new Redis(services.redisUrl);
    const left = await keys.keys(`${tenant}:*`);
    if (left.length > 0) await keys.del(...left);
    keys.disconnect();
  }
});

test('--workflows naming an unknown workflow: one line naming the known ones, exit 1', async () => {
  const config = join(dir, 'in-memory.yml');
  writeFileSync(config, 'transport: inMemory\nstorage: inMemory\nobservability: {enabled: false}\n');
  const child = spawn(process.execPath, ['--conditions=source', FIXTURE, '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INFINITIC_CONFIG: '', INFINITIC_WORKFLOWS: 'Sequentail' },
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "infinitic worker: --workflows: unknown workflow 'Sequentail' (known: Sequential, Idle)\n",
  );
});
