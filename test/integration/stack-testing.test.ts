/**
 * The testcontainers preset (src/testing) on the real engine: Redis and Pulsar from the stack model
 * with the local images (INFINITIC_*_IMAGE), real PING / admin health / provisioned namespace, stop().
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Docker from 'dockerode';
import { startInfiniticStack } from '../../src/testing/index.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { requireService, services, TEST_LABEL, uniqueName } from '../support/services.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const docker = new Docker();
const dir = mkdtempSync(join(tmpdir(), 'stack-testing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ping(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write('PING\r\n'));
    socket.setTimeout(3000, () => reject(new Error('redis ping timed out')));
    socket.on('error', reject);
    socket.on('data', (d) => {
      socket.destroy();
      resolve(d.toString().trim());
    });
  });
}

test('startInfiniticStack({ redis, pulsar }) gives working URLs and a provisioned namespace, and stop() removes them', async () => {
  await requireService('Docker engine', 'DOCKER_HOST or /var/run/docker.sock', () => docker.ping());
  const tenant = uniqueName('tc');
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'base.yml'),
    `transport:\n  pulsar:\n    tenant: ${tenant}\n    namespace: tests\n`,
  );
  const run = uniqueName('preset');
  const stack = await startInfiniticStack({
    redis: true,
    pulsar: true,
    projectDir: dir,
    labels: { ...TEST_LABEL, 'io.infinitic.run': run },
  });
  try {
    assert.equal(await ping(stack.redisHost!, stack.redisPort!), '+PONG');
    assert.match(stack.redisUrl!, /^redis:\/\/localhost:\d+$/);
    const health = await fetch(`${stack.pulsarWebServiceUrl}/admin/v2/brokers/health`);
    assert.equal((await health.text()).trim(), 'ok');
    const namespaces = await (
      await fetch(`${stack.pulsarWebServiceUrl}/admin/v2/namespaces/${tenant}`)
    ).json();
    assert.deepEqual(namespaces, [`${tenant}/tests`]);
    assert.match(stack.pulsarWsUrl!, /^ws:\/\//);
    const images = (await docker.listContainers({ filters: { label: [`io.infinitic.run=${run}`] } }))
      .map((c) => c.Image)
      .sort();
    assert.deepEqual(images, [services.images.pulsar, services.images.redis].sort());
  } finally {
    await stack.stop();
  }
  const left = await docker.listContainers({ all: true, filters: { label: [`io.infinitic.run=${run}`] } });
  assert.equal(left.length, 0);
});
