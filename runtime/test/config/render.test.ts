/** render: YAML/JSON output, sources beside each value (placeholder defaults named), masked secrets, kept placeholders. */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  describeSource,
  findLiteralSecrets,
  loadConfig,
  loadEnvironment,
  parseConfig,
  renderConfig,
} from '../../src/config/index.ts';

const valid = join(dirname(fileURLToPath(import.meta.url)), 'valid');
const dir = join(valid, 'overlay');

describe('renderConfig', () => {
  const loaded = loadEnvironment('production', { dir, env: { REDIS_HOST: 'redis.env' } });

  it('renders the merged, defaulted config as YAML that parses back to the same values (secrets masked)', () => {
    const rendered = parse(renderConfig(loaded, { showSecrets: true }));
    assert.deepEqual(rendered, JSON.parse(JSON.stringify(loaded.config)));
    const masked = parse(renderConfig(loaded));
    assert.equal(masked.storage.redis.password, '****');
    assert.equal(masked.transport.pulsar.client.authentication.token, '****');
    assert.equal(masked.storage.redis.host, 'redis.env', 'non-secrets are printed');
  });

  it('--show-sources puts the source beside each value', () => {
    const text = renderConfig(loaded, { showSources: true });
    const line = (key: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${key}:`)) ?? '';
    assert.equal(line('tenant'), '    tenant: orders # config/base.yml:6:13');
    assert.equal(line('namespace'), '    namespace: production # config/production.yml:7:16');
    assert.equal(line('host'), '    host: redis.env # env REDIS_HOST (config/production.yml:13:11)');
    assert.equal(
      line('password'),
      '    password: "****" # .env REDIS_PASSWORD (config/production.yml:14:15)',
    );
    assert.equal(line('maxRedeliverCount'), '      maxRedeliverCount: 3 # default');
    assert.match(
      text,
      /ignoredExceptions: \[ FraudError \]|ignoredExceptions:\n\s+- FraudError # config\/production\.yml/,
    );
  });

  it('--json prints the config, and a sources map with --show-sources', () => {
    const json = JSON.parse(renderConfig(loaded, { format: 'json', showSources: true }));
    assert.equal(json.config.transport.pulsar.namespace, 'production');
    assert.equal(json.config.storage.redis.password, '****');
    assert.equal(json.sources['transport.pulsar.namespace'], 'config/production.yml:7:16');
    assert.equal(json.sources['services[0].executor.concurrency'], 'config/production.yml:19:20');
    assert.equal(json.sources['observability.port'], 'default');
    const plain = JSON.parse(renderConfig(loaded, { format: 'json' }));
    assert.equal(plain.sources, undefined);
  });

  it("--show-sources says when a value is a placeholder's default, in YAML and JSON alike", () => {
    const options = { cwd: valid, envFile: false as const };
    const unset = loadConfig(['env-vars.yml'], {
      ...options,
      env: { PULSAR_BROKER_URL: 'pulsar://p:6650', REDIS_DB: '0' },
    });
    const text = renderConfig(unset, { showSources: true });
    assert.match(text, /^ {4}port: 6379 # default of \$\{REDIS_PORT:-6379\} \(env-vars\.yml:16:11\)$/m);
    assert.match(text, /^ {4}database: 0 # env REDIS_DB \(env-vars\.yml:19:15\)$/m);
    // JSON: `sources` keeps the position (as before), `placeholderDefaults` names the placeholder.
    const json = JSON.parse(renderConfig(unset, { format: 'json', showSources: true }));
    assert.equal(json.sources['storage.redis.port'], 'env-vars.yml:16:11');
    assert.deepEqual(json.placeholderDefaults['storage.redis.port'], ['${REDIS_PORT:-6379}']);
    assert.equal(json.placeholderDefaults['storage.redis.database'], undefined, 'from env, not a default');
    assert.deepEqual(unset.sourceOf('storage.redis.port'), {
      kind: 'file',
      defaultOf: ['${REDIS_PORT:-6379}'],
      file: 'env-vars.yml',
      line: 16,
      col: 11,
    });
    // Set, the same placeholder is the variable's value.
    const set = loadConfig(['env-vars.yml'], {
      ...options,
      env: { PULSAR_BROKER_URL: 'pulsar://p:6650', REDIS_DB: '0', REDIS_PORT: '6380' },
    });
    assert.match(
      renderConfig(set, { showSources: true }),
      /^ {4}port: 6380 # env REDIS_PORT \(env-vars\.yml:16:11\)$/m,
    );
    // The overlay's `name: ${HOSTNAME:-orders-worker}`, HOSTNAME unset in this test.
    const overlay = renderConfig(loaded, { showSources: true });
    assert.match(
      overlay,
      /^name: orders-worker # default of \$\{HOSTNAME:-orders-worker\} \(config\/production\.yml:2:7\)$/m,
    );
  });

  it('names each outermost default a value used; an alternative or a set variable is not a default', () => {
    const sub = mkdtempSync(join(tmpdir(), 'infinitic-render-'));
    after(() => rmSync(sub, { recursive: true, force: true }));
    writeFileSync(
      join(sub, 'c.yml'),
      [
        'name: ${APP:-${TEAM:-acme}}-${SUFFIX:-w}',
        'transport: inMemory',
        'storage:',
        '  redis:',
        '    host: ${REDIS_HOST:+redis.internal}',
        '    port: ${REDIS_PORT:-6379}',
        '',
      ].join('\n'),
    );
    const loaded = loadConfig(['c.yml'], { cwd: sub, env: { REDIS_HOST: 'x' }, envFile: false });
    const { sourceOf } = loaded;
    assert.deepEqual(sourceOf('name'), {
      kind: 'file',
      defaultOf: ['${APP:-${TEAM:-acme}}', '${SUFFIX:-w}'],
      file: 'c.yml',
      line: 1,
      col: 7,
    });
    assert.match(
      renderConfig(loaded, { showSources: true }),
      /^name: acme-w # default of \$\{APP:-\$\{TEAM:-acme\}\} and \$\{SUFFIX:-w\} \(c\.yml:1:7\)$/m,
    );
    assert.equal(describeSource(sourceOf('name')), 'c.yml:1:7', 'a location, as doctor findings use it');
    assert.deepEqual(sourceOf('storage.redis.host'), { kind: 'file', file: 'c.yml', line: 5, col: 11 });
    const withTeam = loadConfig(['c.yml'], {
      cwd: sub,
      env: { TEAM: 'ops', REDIS_HOST: 'x' },
      envFile: false,
    });
    assert.equal(describeSource(withTeam.sourceOf('name')), 'env TEAM (c.yml:1:7)');
  });

  it('--keep-placeholders prints ${VAR} as written and resolves nothing', () => {
    const kept = loadConfig(['config/base.yml', 'config/production.yml'], {
      cwd: dir,
      env: {},
      envFile: false,
      keepPlaceholders: true,
    });
    const text = renderConfig(kept, { keepPlaceholders: true });
    const doc = parse(text);
    assert.equal(doc.transport.pulsar.brokerServiceUrl, '${PULSAR_BROKER_URL}');
    assert.equal(doc.storage.redis.password, '${REDIS_PASSWORD}', 'a placeholder is not a secret');
    assert.equal(doc.name, '${HOSTNAME:-orders-worker}');
    assert.equal(doc.storage.redis.ssl, true);
  });

  it('masks literal secrets everywhere they are, including custom auth keys', () => {
    const config = parseConfig({
      transport: {
        pulsar: {
          brokerServiceUrl: 'pulsar://p:6650',
          webServiceUrl: 'http://p:8080',
          tenant: 't',
          namespace: 'n',
          client: {
            tlsKeyStorePassword: 'ks',
            authentication: { issuerUrl: 'https://i', privateKey: 'file:///k.json' },
          },
        },
      },
      storage: { postgres: { host: 'db', port: 5432, username: 'u', password: 'pw' } },
    });
    const doc = parse(renderConfig(config, { showSources: true }));
    assert.equal(doc.transport.pulsar.client.tlsKeyStorePassword, '****');
    assert.equal(doc.transport.pulsar.client.authentication.privateKey, '****');
    assert.equal(doc.transport.pulsar.client.authentication.issuerUrl, 'https://i');
    assert.equal(doc.storage.postgres.password, '****');
    assert.match(renderConfig(config, { showSources: true }), /host: db # object/);
  });
});

describe('findLiteralSecrets', () => {
  it('lists secrets written as literals, not those from placeholders', () => {
    const loaded = loadConfig(['storage-redis.yml', 'transport-full.yml'], {
      cwd: valid,
      env: {},
      envFile: false,
    });
    const found = findLiteralSecrets(loaded.config).map((i) => `${i.file}:${i.line}:${i.col} ${i.path}`);
    assert.deepEqual(found.sort(), [
      'storage-redis.yml:10:15 storage.redis.password',
      'transport-full.yml:14:16 transport.pulsar.client.authentication.token',
    ]);
    const fromEnv = loadEnvironment('production', { dir, env: {} });
    assert.deepEqual(findLiteralSecrets(fromEnv.config), []);
  });
});
