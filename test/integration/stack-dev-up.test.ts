/**
 * `dev up` of Pulsar + Redis on the real Docker engine (local images through the override
 * variables): readiness, provisioning, the dev broker settings, compose ↔ containers agreement,
 * idempotent re-run, `status --json` and `down -v` through the CLI.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { WebSocket } from 'ws';
import {
  loadStackModel,
  renderComposeFile,
  type StackModel,
  up,
  validateComposeFile,
} from '../../src/stack/index.ts';
import { removeDevProject, requireDocker } from '../support/dev-project.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { scaledTimeout } from '../support/processes.ts';
import { services, TEST_LABEL, uniqueName } from '../support/services.ts';
import { composeDisagreements } from './stack-agreement.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const run = promisify(execFile);
const docker = new Docker();
const project = uniqueName('devup').toLowerCase();
const tenant = uniqueName('t');
const dir = mkdtempSync(join(tmpdir(), 'stack-dev-up-'));
let model: StackModel;

function cli(...args: string[]) {
  return run(
    process.execPath,
    ['--conditions=source', 'src/cli/infinitic.ts', 'dev', ...args, '--dir', dir],
    {
      timeout: scaledTimeout(60_000),
    },
  );
}

before(async () => {
  await requireDocker(docker, [services.images.pulsar, services.images.redis]);
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'base.yml'),
    `transport:\n  pulsar:\n    tenant: ${tenant}\n    namespace: dev\n`,
  );
  writeFileSync(
    join(dir, 'config', 'dev.yml'),
    `dev:\n  project: ${project}\n  ports: { pulsar: { http: 0, broker: 0 }, redis: { redis: 0 } }\n`,
  );
  model = loadStackModel({ projectDir: dir, labels: { ...TEST_LABEL } });
});

after(() => removeDevProject(docker, project, dir));

test('up starts Pulsar and Redis healthy, provisions the namespace and applies the dev broker settings', async () => {
  const result = await up(model, { docker });
  assert.equal(result.status.ready.pulsar, 1);
  assert.equal(result.status.ready.redis, 1);
  assert.deepEqual(result.changes.created.sort(), [`${project}-pulsar-1`, `${project}-redis-1`]);
  assert.ok(result.timings.pulsarReadyMs! > 0);

  const admin = result.status.pulsar?.adminUrl;
  assert.ok(admin, 'status reports the Pulsar admin URL');
  const ns = await fetch(`${admin}/admin/v2/namespaces/${tenant}`);
  assert.deepEqual(await ns.json(), [`${tenant}/dev`]);
  const config = (await (await fetch(`${admin}/admin/v2/brokers/configuration/runtime`)).json()) as Record<
    string,
    string
  >;
  assert.equal(config.managedLedgerNewEntriesCheckDelayInMillis, '1');
  assert.equal(config.delayedDeliveryTickTimeMillis, '100');

  const redis = await docker.getContainer(`${project}-redis-1`).inspect();
  assert.equal(redis.Config.Image, services.images.redis);
  assert.equal(redis.Config.Labels['io.infinitic.test'], 'true');
});

test('the rendered compose file is schema-valid and agrees with the containers up created', async () => {
  const text = renderComposeFile(model);
  assert.deepEqual(validateComposeFile(text), []);
  assert.deepEqual(await composeDisagreements(docker, text, project, process.env), []);
});

test('docker-compose v1 accepts the rendered file (config -q)', (t) => {
  const found = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (found.status !== 0) return t.skip('docker-compose (v1) is not installed');
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, renderComposeFile(model));
  const result = spawnSync('docker-compose', ['-f', file, '-p', project, 'config', '-q'], {
    encoding: 'utf8',
    timeout: scaledTimeout(30_000),
  });
  assert.equal(result.status, 0, result.stderr);
});

test('up again keeps what is healthy and unchanged', async () => {
  const result = await up(model, { docker });
  assert.deepEqual(result.changes.created, []);
  assert.equal(result.changes.kept.length, 2);
});

/** Publishes one message through the broker's WebSocket API and waits for its receipt. */
async function publish(wsBase: string, topic: string): Promise<void> {
  const socket = new WebSocket(`${wsBase}/ws/v2/producer/persistent/${tenant}/dev/${topic}`, {
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no publish receipt within 10 s')), 10_000);
    socket.on('open', () => socket.send(JSON.stringify({ payload: Buffer.from('hi').toString('base64') })));
    socket.on('message', (data) => {
      clearTimeout(timer);
      const receipt = JSON.parse(String(data));
      if (receipt.result === 'ok') resolve();
      else reject(new Error(String(data)));
    });
    socket.on('error', reject);
  });
  socket.close();
}

test('dev status --json reports ready replicas and topic backlog; dev down -v leaves no labelled container, network or volume', async () => {
  const before = JSON.parse((await cli('status', '--json')).stdout);
  const admin = before.pulsar.adminUrl as string;
  const sub = await fetch(`${admin}/admin/v2/persistent/${tenant}/dev/orders/subscription/engine`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ledgerId: -1, entryId: -1 }),
  });
  assert.equal(sub.status, 204);
  await publish(admin.replace('http://', 'ws://'), 'orders');

  const status = JSON.parse((await cli('status', '--json')).stdout);
  assert.equal(status.project, project);
  assert.deepEqual(status.ready, { pulsar: 1, redis: 1 });
  assert.equal(status.pulsar.tenant, tenant);
  assert.deepEqual(status.pulsar.topics, [
    {
      topic: `persistent://${tenant}/dev/orders`,
      subscriptions: [{ name: 'engine', backlog: 1, consumers: 0 }],
    },
  ]);

  const removed = JSON.parse((await cli('down', '-v', '--json')).stdout);
  assert.deepEqual(removed, { containers: 2, networks: 1, volumes: 2 });
  const filters = { label: [`io.infinitic.project=${project}`] };
  assert.equal((await docker.listContainers({ all: true, filters })).length, 0);
  assert.equal((await docker.listNetworks({ filters })).length, 0);
  assert.equal((await docker.listVolumes({ filters })).Volumes?.length ?? 0, 0);
});
