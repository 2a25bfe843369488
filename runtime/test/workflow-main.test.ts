/**
 * runWorkerMain with workflows, as a container runs it: Pulsar + Redis from a config file, the
 * worker runs the service and the workflow engine, /ready answers, a client runs a workflow
 * through it, SIGTERM exits 0. The worker is selected like a promoted worker group with services
 * and workflows (`--services Greet` + env INFINITIC_WORKFLOWS=Sequential): it runs only those.
 * The child runs runtime/test/fixtures/workflow-main-worker.ts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import getPort from 'get-port';
import { run, spawnCaptured } from '../../test/support/processes.ts';
import { waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { deleteRedisKeys, pulsarRedisConfigLines, pulsarTenant } from './fixtures/test-backends.ts';

const FIXTURE = new URL('./fixtures/workflow-main-worker.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'workflow-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('runWorkerMain runs workflows from a config: ready, a workflow completes, SIGTERM exits 0', async () => {
  const pulsar = pulsarTenant('wf-main', { namespace: 'dev' });
  const port = await getPort();
  const config = join(dir, 'worker.yml');
  writeFileSync(
    config,
    [
      'name: workflow-main-worker',
      ...pulsarRedisConfigLines(pulsar),
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
  const worker = spawnCaptured(
    process.execPath,
    ['--conditions=source', FIXTURE, '--config', config, '--services', 'Greet'],
    { stdin: 'ignore', env: { INFINITIC_WORKFLOWS: 'Sequential' } },
  );
  const { child } = worker;
  const output = () => `${worker.out()}${worker.err()}`;
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
      throw new Error(`${error.message}\n${output()}`);
    });
    const result = await client.startWorkflow<{ out: string[] }>('Sequential', 'run', [['a', 'b']], {
      timeoutMs: 20_000,
    });
    assert.deepEqual(result.out, ['Hello a', 'Hello b']);
    const started = output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'worker started');
    assert.deepEqual(started?.services, ['Greet'], output());
    assert.deepEqual(started?.workflows, ['Sequential'], output());
    child.kill('SIGTERM');
    const code = await Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit:\n${output()}`)), 20_000).unref(),
      ),
    ]);
    assert.equal(code, 0, output());
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await client.close();
    await pulsar.close();
    await deleteRedisKeys(`${pulsar.tenant}:`);
  }
});

test('--workflows naming an unknown workflow: one line naming the known ones, exit 1', async () => {
  const config = join(dir, 'in-memory.yml');
  writeFileSync(config, 'transport: inMemory\nstorage: inMemory\nobservability: {enabled: false}\n');
  const r = await run(process.execPath, ['--conditions=source', FIXTURE, '--config', config], {
    stdin: 'ignore',
    env: { INFINITIC_CONFIG: '', INFINITIC_WORKFLOWS: 'Sequentail' },
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    "infinitic worker: --workflows: unknown workflow 'Sequentail' (known: Sequential, Idle)\n",
  );
});
