import assert from 'node:assert/strict';
import { test } from 'node:test';
import Docker from 'dockerode';
import { GenericContainer, Wait } from 'testcontainers';
import { requireService, services, TEST_LABEL, uniqueName, waitFor } from '../support/services.ts';

const docker = new Docker();
const dockerAddress = process.env.DOCKER_HOST ?? '/var/run/docker.sock';

test('Docker engine via dockerode: create a labelled container from a local image, wait healthy, read logs, remove by label', async () => {
  await requireService('Docker engine', dockerAddress, () => docker.ping());
  await requireService(`image ${services.images.redis}`, 'the local Docker engine', () =>
    docker.getImage(services.images.redis).inspect(),
  );
  const run = uniqueName('smoke');
  const labels = { ...TEST_LABEL, 'io.infinitic.project': run, 'io.infinitic.service': 'redis' };
  const container = await docker.createContainer({
    Image: services.images.redis,
    name: run,
    Labels: labels,
    Healthcheck: { Test: ['CMD', 'redis-cli', 'ping'], Interval: 200e6, Timeout: 2e9, Retries: 50 },
    HostConfig: { Init: true, PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    ExposedPorts: { '6379/tcp': {} },
  });
  try {
    await container.start();
    const state = await waitFor('redis container healthy', async () => {
      const info = await container.inspect();
      assert.ok(info.State.Running, `container exited: ${info.State.Status}`);
      return info.State.Health?.Status === 'healthy' ? info : undefined;
    });
    assert.match(state.NetworkSettings.Ports['6379/tcp']?.[0]?.HostPort ?? '', /^\d+$/);
    const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    assert.match(logs.toString(), /Ready to accept connections/);

    const found = await docker.listContainers({
      all: true,
      filters: { label: [`io.infinitic.project=${run}`] },
    });
    assert.deepEqual(
      found.map((c) => c.Id),
      [container.id],
    );
  } finally {
    const byLabel = await docker.listContainers({
      all: true,
      filters: { label: [`io.infinitic.project=${run}`] },
    });
    await Promise.all(byLabel.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  }
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`io.infinitic.project=${run}`] },
  });
  assert.equal(left.length, 0);
});

test('testcontainers GenericContainer starts a local image and reports a mapped port', async () => {
  await requireService('Docker engine', dockerAddress, () => docker.ping());
  const container = await new GenericContainer(services.images.redis)
    .withLabels({ ...TEST_LABEL })
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forHealthCheck())
    .start();
  try {
    const result = await container.exec(['redis-cli', 'ping']);
    assert.equal(result.output.trim(), 'PONG');
    assert.ok(container.getMappedPort(6379) > 0);
    assert.equal(container.getHost(), 'localhost');
  } finally {
    await container.stop();
  }
});
