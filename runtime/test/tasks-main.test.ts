/**
 * runWorkerMain as a container runs it: `--config a.yml,b.yml [--services A,B]` or
 * INFINITIC_CONFIG; one-line errors and exit 1 on bad input; SIGTERM → exit 0.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import getPort from 'get-port';
import { spawnCaptured } from '../../test/support/processes.ts';
import { services, waitFor } from '../../test/support/services.ts';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import type { HelloService } from './fixtures/services.ts';
import { deleteRedisKeys, pulsarRedisConfigLines, pulsarTenant } from './fixtures/test-backends.ts';

const FIXTURE = new URL('./fixtures/main-worker.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tasks-main-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(args: string[], env: Record<string, string> = {}) {
  const worker = spawnCaptured(process.execPath, ['--conditions=source', FIXTURE, ...args], {
    env: { INFINITIC_CONFIG: '', ...env },
    stdin: 'ignore',
  });
  const exit = Promise.race([
    once(worker.child, 'exit').then(([code]) => code as number | null),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`worker did not exit:\n${worker.out()}\n${worker.err()}`)),
        30_000,
      ).unref(),
    ),
  ]);
  return { ...worker, exit };
}

const ready = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(3000) }).catch(
    () => undefined,
  );
  return res?.status === 200 ? true : undefined;
};

/** The worker's stderr, asserted to be exactly one line (no stack trace). */
function singleErrorLine(r: { err(): string }): string {
  const lines = r.err().trimEnd().split('\n');
  assert.equal(lines.length, 1, r.err());
  return lines[0] as string;
}

/** In-memory storage, one HelloService executor, no HTTP server: the rest of a small worker config. */
const IN_MEMORY_HELLO = [
  'storage: inMemory',
  'services:',
  '  - name: HelloService',
  '    executor: {concurrency: 1}',
  'observability: {enabled: false}',
];

/** A Pulsar-only config (in-memory storage) for `webServiceUrl`, with `extra` lines under transport.pulsar. */
function pulsarOnlyConfig(name: string, webServiceUrl: string, extra: string[] = []): string {
  return file(
    name,
    [
      'transport:',
      '  pulsar:',
      '    brokerServiceUrl: pulsar://127.0.0.1:6650',
      `    webServiceUrl: ${webServiceUrl}`,
      '    tenant: start-errors',
      '    namespace: dev',
      ...extra.map((line) => `    ${line}`),
      ...IN_MEMORY_HELLO,
    ].join('\n'),
  );
}

describe('runWorkerMain', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a worker holding no socket (in-memory, no HTTP) serves until SIGTERM, then exits 0', async () => {
    const config = file('in-memory.yml', ['transport: inMemory', ...IN_MEMORY_HELLO].join('\n'));
    const worker = run(['--config', config]);
    await waitFor('the worker to start', async () =>
      /worker started/.test(worker.out()) ? true : undefined,
    );
    const early = await Promise.race([worker.exit, new Promise((r) => setTimeout(() => r('running'), 500))]);
    assert.equal(
      early,
      'running',
      `the worker exited right after starting:\n${worker.out()}\n${worker.err()}`,
    );
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exit, 0, worker.err());
  });

  test('without a configuration: one line, exit 1', async () => {
    const r = run([]);
    assert.equal(await r.exit, 1);
    assert.equal(
      r.err(),
      'infinitic worker: no configuration: pass --config or set INFINITIC_CONFIG (usage: worker --config base.yml[,production.yml] [--services ServiceA,ServiceB] [--workflows WorkflowA,WorkflowB])\n',
    );
  });

  test('a bad config: one located line, exit 1', async () => {
    const bad = file(
      'bad.yml',
      'transport: inMemory\nstorage: inMemory\nservices:\n  - name: HelloService\n    executor: {concurency: 2}\n',
    );
    const r = run(['--config', bad]);
    assert.equal(await r.exit, 1);
    const lines = r.err().trimEnd().split('\n');
    assert.equal(lines.length, 1, r.err());
    assert.match(lines[0] ?? '', /^infinitic worker: .*bad\.yml:5:\d+.*concurency/);
  });

  test('--services naming an unknown service: exit 1', async () => {
    const base = file(
      'base.yml',
      'transport: inMemory\nstorage: inMemory\nobservability: {enabled: false}\n',
    );
    const r = run(['--config', base, '--services', 'Nope']);
    assert.equal(await r.exit, 1);
    assert.match(
      r.err(),
      /^infinitic worker: --services: unknown service 'Nope' \(known: HelloService, TrickyService\)\n$/,
    );
  });

  test('an unreachable broker: one line naming the address, exit 1', async () => {
    const port = await getPort();
    const r = run(['--config', pulsarOnlyConfig('dead-broker.yml', `http://127.0.0.1:${port}`)]);
    assert.equal(await r.exit, 1);
    assert.match(
      singleErrorLine(r),
      new RegExp(
        `^infinitic worker: cannot reach Pulsar admin at http://127\\.0\\.0\\.1:${port} \\(GET /namespaces/start-errors/dev\\): connect ECONNREFUSED`,
      ),
    );
  });

  test('a token the broker refuses: one line with the 401 and where to fix it, exit 1', async (t) => {
    // Stands in for a broker with token authentication: every call answers what Pulsar 4.0.8 answers
    // to a wrong or missing token (Jetty's JSON error body).
    const calls: string[] = [];
    const broker = createServer((req: IncomingMessage, res) => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        `{\n"servlet":"org.glassfish.jersey.servlet.ServletContainer-1",\n"message":"Authentication required",\n"url":"${req.url}",\n"status":"401"\n}`,
      );
    });
    await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => broker.close(resolve)));
    const { port } = broker.address() as { port: number };
    const config = pulsarOnlyConfig('bad-token.yml', `http://127.0.0.1:${port}`, [
      'client: {authentication: {token: wrong.jwt.token}}',
    ]);
    const r = run(['--config', config]);
    assert.equal(await r.exit, 1);
    assert.equal(
      singleErrorLine(r),
      `infinitic worker: Pulsar admin GET /admin/v2/namespaces/start-errors/dev at http://127.0.0.1:${port} failed with 401: Authentication required (authentication refused: check transport.pulsar.client.authentication.token)`,
    );
    assert.deepEqual(
      calls,
      ['GET /admin/v2/namespaces/start-errors/dev Bearer wrong.jwt.token'],
      'the token from config was sent, and nothing was created after the 401',
    );
    assert.doesNotMatch(r.err() + r.out(), /wrong\.jwt\.token/, 'the token is never printed');
  });

  test('a storage that does not answer at start: one line naming it, exit 1, nothing consumed', async (t) => {
    const pulsar = pulsarTenant('tasks-main-nostore', { namespace: 'dev', clientName: 'main-test' });
    t.after(() => pulsar.close());
    const redisPort = await getPort();
    const config = file(
      'dead-redis.yml',
      [
        'name: no-storage-worker',
        ...pulsarRedisConfigLines(pulsar).map((line) =>
          line.startsWith('    port:') ? `    port: ${redisPort}` : line,
        ),
        'services:',
        '  - name: HelloService',
        '    executor: {concurrency: 1}',
        'observability: {enabled: false}',
      ].join('\n'),
    );
    const r = run(['--config', config]);
    assert.equal(await r.exit, 1);
    assert.match(
      singleErrorLine(r),
      new RegExp(`^infinitic worker: redis at 127\\.0\\.0\\.1:${redisPort}: connect failed: .*ECONNREFUSED`),
    );
    assert.doesNotMatch(r.out(), /"msg":"worker started"/);
    assert.equal(
      await pulsar.transport.admin.namespaceExists(pulsar.tenant, pulsar.namespace),
      false,
      'the worker subscribed to nothing (it would have created its namespace), so it took no task',
    );
  });

  test('Pulsar + Redis from layered files: ready, serves tasks, only --services, SIGTERM exits 0', async (t) => {
    const pulsar = pulsarTenant('tasks-main', { namespace: 'dev', clientName: 'main-test' });
    const port = await getPort();
    const base = file(
      'pulsar-base.yml',
      [
        'name: main-worker',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Compose-style placeholder the worker resolves
        ...pulsarRedisConfigLines(pulsar, '${PULSAR_ADMIN_URL}'),
        'services:',
        '  - name: HelloService',
        '    executor: {concurrency: 2}',
        '  - name: TrickyService',
        '    executor: {concurrency: 2}',
        'observability:',
        '  host: 127.0.0.1',
        '  port: 1',
        'logging: {level: info}',
      ].join('\n'),
    );
    const overlay = file(
      'pulsar-prod.yml',
      `observability:\n  port: ${port}\nshutdownGracePeriodSeconds: 5\n`,
    );
    const r = run(['--services', 'HelloService'], {
      INFINITIC_CONFIG: `${base},${overlay}`,
      PULSAR_ADMIN_URL: services.pulsarAdminUrl,
    });
    const { transport } = pulsar;
    t.after(async () => {
      r.child.kill('SIGKILL');
      await pulsar.close();
      await deleteRedisKeys(`${pulsar.tenant}:`);
    });
    await Promise.race([
      waitFor('the worker to be ready', () => ready(port), 20_000),
      r.exit.then((code) => assert.fail(`worker exited with ${code}: ${r.err()}`)),
    ]);
    // stdout is a pipe read apart from the /ready socket: the line may arrive a moment after readiness
    const started = await waitFor('the "worker started" line', async () =>
      r
        .out()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .find((line) => line.msg === 'worker started'),
    );
    assert.deepEqual(started?.services, ['HelloService']);
    assert.equal(started?.transport, 'pulsar-ws');
    assert.equal(started?.name, 'main-worker');

    const client = new InfiniticClient({ transport });
    t.after(() => client.close());
    assert.equal(await client.service<HelloService>('HelloService').sayHello('main'), 'Hello main');

    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0, r.err());
    assert.match(r.out(), /"msg":"worker stopped"/);
  });
});
