// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose placeholders are literal text in these tests
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StackError } from './errors.ts';
import { loadStackModel, serviceOf } from './model.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-model-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('defaults: official images, default ports, no worker without a Dockerfile, tenant from base.yml', () => {
  const dir = project({
    'package.json': JSON.stringify({ name: '@acme/My_App' }),
    'config/base.yml': 'transport:\n  pulsar:\n    tenant: ${TENANT:-acme}\n    namespace: ${NS-dev}\n',
  });
  const model = loadStackModel({ projectDir: dir, env: {} });
  assert.equal(model.project, 'my_app');
  assert.deepEqual(
    model.services.map((s) => s.name),
    ['pulsar', 'redis'],
  );
  assert.equal(serviceOf(model, 'pulsar').image, 'apachepulsar/pulsar:4.0.8');
  assert.equal(serviceOf(model, 'redis').image, 'redis:7-alpine');
  assert.deepEqual(
    serviceOf(model, 'pulsar').ports.map((p) => p.host),
    [6650, 8080],
  );
  assert.deepEqual(model.pulsar, { tenant: 'acme', namespace: 'dev' });
  assert.equal(model.network, 'my_app_infinitic');
  assert.deepEqual(
    model.volumes.map((v) => v.name),
    ['my_app_pulsar-data', 'my_app_redis-data'],
  );
});

test('precedence: env image overrides beat config/dev.yml, which beats the definitions; ports from flags win', () => {
  const dir = project({
    Dockerfile: 'FROM x\n',
    'config/dev.yml': [
      'dev:',
      '  project: demo',
      '  replicas: 4',
      '  images: { redis: my/redis:1, node: my/node:24 }',
      '  ports: { redis: { redis: 16379 }, pulsar: { http: 18080 } }',
      '  env: { GREETING: hi, COUNT: 3 }',
      'transport:',
      '  pulsar: { tenant: t1 }',
    ].join('\n'),
    '.env': 'SECRET=s3\n',
  });
  const model = loadStackModel({
    projectDir: dir,
    env: { INFINITIC_PULSAR_IMAGE: 'local/pulsar:4.0.8', NODE_EXTRA_CA_CERTS: '/ca.pem' },
    ports: { 'pulsar.http': 0 },
  });
  assert.equal(serviceOf(model, 'pulsar').image, 'local/pulsar:4.0.8');
  assert.equal(serviceOf(model, 'redis').image, 'my/redis:1');
  assert.equal(serviceOf(model, 'redis').ports[0]?.host, 16379);
  assert.equal(serviceOf(model, 'pulsar').ports.find((p) => p.name === 'http')?.host, 0);
  const worker = serviceOf(model, 'worker');
  assert.equal(worker.replicas, 4);
  assert.equal(worker.image, 'demo-worker:dev');
  assert.equal(worker.build?.argValue, 'my/node:24');
  assert.equal(worker.env.GREETING, 'hi');
  assert.equal(worker.env.COUNT, '3');
  assert.equal(worker.env.REDIS_HOST, 'redis');
  assert.deepEqual(worker.envFile, { SECRET: 's3' });
  assert.equal(model.pulsar.tenant, 't1');
  assert.equal(model.caBundle, '/ca.pem');
  assert.equal(loadStackModel({ projectDir: dir, env: {}, replicas: 2 }).services.at(-1)?.replicas, 2);
});

test('the Pulsar command appends the kit conf overlay and points PULSAR_STANDALONE_CONF at it', () => {
  const model = loadStackModel({ projectDir: project({}), env: {} });
  const pulsar = serviceOf(model, 'pulsar');
  assert.equal(pulsar.command?.[0], 'sh');
  assert.match(pulsar.command?.[2] ?? '', /managedLedgerNewEntriesCheckDelayInMillis=1/);
  assert.match(pulsar.command?.[2] ?? '', /delayedDeliveryTickTimeMillis=100/);
  assert.match(pulsar.command?.[2] ?? '', /brokerDeleteInactiveTopicsFrequencySeconds=10/);
  assert.deepEqual(pulsar.command?.slice(-4), ['bin/pulsar', 'standalone', '-nfw', '-nss']);
  assert.equal(pulsar.env.PULSAR_STANDALONE_CONF, '/tmp/infinitic-standalone.conf');
});

test('a bad dev section is a located, coded error', () => {
  const dir = project({ 'config/dev.yml': 'dev:\n  replicas: many\n' });
  assert.throws(
    () => loadStackModel({ projectDir: dir, env: {} }),
    (error: unknown) =>
      error instanceof StackError &&
      error.code === 'INF_STACK_CONFIG' &&
      /dev\.yml: dev\.replicas: /.test(error.message),
  );
  const noDockerfile = project({ 'config/dev.yml': 'dev:\n  worker: true\n' });
  assert.throws(() => loadStackModel({ projectDir: noDockerfile, env: {} }), /need a Dockerfile/);
});
