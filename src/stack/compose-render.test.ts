// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose placeholders are literal text in these tests
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { composeDuration, composePort, renderComposeFile } from './compose-render.ts';
import { validateComposeFile } from './compose-validate.ts';
import { loadStackModel } from './model.ts';

const dir = mkdtempSync(join(tmpdir(), 'stack-compose-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'config'));
writeFileSync(join(dir, 'Dockerfile'), 'FROM x\n');
writeFileSync(
  join(dir, 'config', 'dev.yml'),
  'dev:\n  project: shop\n  replicas: 3\n  env: { PRICE: "$5" }\n',
);

test('the rendered compose file is valid against the Compose Specification schema', () => {
  const text = renderComposeFile(loadStackModel({ projectDir: dir, env: {} }));
  assert.deepEqual(validateComposeFile(text), []);
});

test('the schema check catches an invalid file', () => {
  const errors = validateComposeFile('services:\n  a:\n    image: x\n    replicaz: 2\n');
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /\/services\/a: .*replicaz/);
});

test('services: Pulsar standalone, Redis with appendonly and a volume, worker replicas with limits and healthy deps', () => {
  const compose = parse(renderComposeFile(loadStackModel({ projectDir: dir, env: {} })));
  const { pulsar, redis, worker } = compose.services;
  assert.equal(pulsar.image, '${INFINITIC_PULSAR_IMAGE:-apachepulsar/pulsar:4.0.8}');
  assert.ok(pulsar.command.includes('standalone'));
  assert.deepEqual(pulsar.ports, ['127.0.0.1:6650:6650', '127.0.0.1:8080:8080']);
  assert.equal(redis.image, '${INFINITIC_REDIS_IMAGE:-redis:7-alpine}');
  assert.deepEqual(redis.command.slice(0, 3), ['redis-server', '--appendonly', 'yes']);
  assert.deepEqual(redis.volumes, ['redis-data:/data']);
  assert.ok(compose.volumes['redis-data']);
  assert.equal(worker.deploy.replicas, 3);
  assert.deepEqual(worker.deploy.resources.limits, { cpus: '1', memory: '512M' });
  assert.deepEqual(worker.depends_on, {
    pulsar: { condition: 'service_healthy' },
    redis: { condition: 'service_healthy' },
  });
  assert.equal(worker.build.args.NODE_IMAGE, '${NODE_IMAGE:-node:24-alpine}');
  assert.match(worker.healthcheck.test.join(' '), /\/ready/);
  assert.equal(worker.init, true);
  assert.deepEqual(worker.labels, { 'io.infinitic.project': 'shop', 'io.infinitic.service': 'worker' });
  // a literal `$` is escaped for Compose
  assert.equal(worker.environment.PRICE, '$$5');
  assert.match(pulsar.command[2], /exec "\$\$@"/);
});

test('YAML 1.1 readers (docker-compose v1) see yes/no as strings', () => {
  const text = renderComposeFile(loadStackModel({ projectDir: dir, env: {} }));
  assert.match(text, /- "yes"/);
  assert.match(text, /- "no"/);
});

test('durations and ports use Compose notation', () => {
  assert.equal(composeDuration(1000), '1s');
  assert.equal(composeDuration(500), '500ms');
  assert.equal(composePort({ host: 0, container: 8090 }), '127.0.0.1::8090');
  assert.equal(composePort({ host: 18080, container: 8080 }), '127.0.0.1:18080:8080');
});
