/** render: YAML/JSON output, sources beside each value, masked secrets, kept placeholders. */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
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
