/** Every YAML example of the Infinitic guide and of a project's environments loads and merges as intended. */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, environmentFiles, loadConfig, loadEnvironment } from '../../src/config/index.ts';

const valid = join(dirname(fileURLToPath(import.meta.url)), 'valid');
const load = (file: string, env: Record<string, string> = {}) =>
  loadConfig([join(valid, file)], { env, cwd: valid });

describe('Infinitic guide examples', () => {
  it('§9.5 worker example: services, workflows, engines, postgres, token from env', () => {
    const { config, sourceOf } = load('guide-worker.yml', { PULSAR_TOKEN: 'tok', PG_PASSWORD: 'pw' });
    assert.equal(config.name, 'orders-worker-1');
    assert.equal(config.transport.pulsar?.brokerServiceUrl, 'pulsar://localhost:6650');
    assert.equal(config.transport.pulsar?.namespace, 'dev');
    assert.equal(config.transport.pulsar?.client?.authentication?.token, 'tok');
    assert.equal(config.transport.shutdownGracePeriodSeconds, 30, 'Pulsar default grace period');
    assert.equal(config.storage?.compression, 'gzip');
    assert.equal(config.storage?.postgres?.password, 'pw');
    assert.equal(config.storage?.postgres?.schema, 'infinitic');
    const payment = config.services[0]!;
    assert.equal(payment.executor?.concurrency, 20);
    assert.equal(payment.executor?.retry?.maximumRetries, 5);
    assert.equal(payment.executor?.retry?.minimumSeconds, 1, 'retry defaults fill in');
    assert.equal(payment.tagEngine?.concurrency, 5);
    const order = config.workflows[0]!;
    assert.deepEqual(order.executor?.classes, ['com.acme.OrderImpl', 'com.acme.OrderImpl_1']);
    assert.equal(order.executor?.timeoutSeconds, 60);
    assert.equal(order.stateEngine?.batch?.maxSeconds, 0.1);
    assert.deepEqual(sourceOf('transport.pulsar.client.authentication.token'), {
      kind: 'env',
      variable: 'PULSAR_TOKEN',
      file: join(valid, 'guide-worker.yml'),
      line: 10,
      col: 40,
    });
    assert.equal(sourceOf('transport.pulsar.brokerServiceUrl').kind, 'file', 'a used default is the file');
    assert.deepEqual(sourceOf('storage.postgres.schema'), { kind: 'default' });
  });

  it('§9.3 transport: every client, producer, consumer and policy key', () => {
    const { config } = load('transport-full.yml');
    const pulsar = config.transport.pulsar!;
    assert.equal(pulsar.brokerServiceUrl, 'pulsar+ssl://broker.example.com:6651/');
    assert.deepEqual(pulsar.allowedClusters, ['standalone']);
    assert.equal(pulsar.client?.ioThreads, 4);
    assert.equal(pulsar.client?.tlsTrustCertsFilePath, '/etc/pulsar/ca.pem');
    assert.equal(pulsar.client?.enableTlsHostnameVerification, true);
    assert.equal(pulsar.producer.blockIfQueueFull, false);
    assert.equal(pulsar.consumer.negativeAckRedeliveryDelaySeconds, 0.3);
    assert.equal(pulsar.consumer.maxRedeliverCount, 5);
    assert.equal(pulsar.policies.delayedDeliveryTickTimeMillis, 100);
    assert.equal(pulsar.policies.messageTTLSeconds, 1209600, 'unset policies keep their defaults');
  });

  it('§9.4 storage: redis with pool and flat cache; SQL backends with tables and pools', () => {
    const redis = load('storage-redis.yml').config;
    assert.equal(redis.transport.inMemory !== undefined, true);
    assert.equal(redis.transport.shutdownGracePeriodSeconds, 5, 'in-memory default grace period');
    assert.deepEqual(redis.storage?.cache, {
      maximumSize: 10000,
      expireAfterAccess: 3600,
      expireAfterWrite: 3600,
    });
    assert.deepEqual(redis.storage?.redis?.poolConfig, { maxTotal: -1, maxIdle: 8, minIdle: 0 });
    assert.equal(redis.storage?.redis?.database, 2);
    const pg = load('storage-sql.yml').config;
    assert.equal(pg.storage?.postgres?.keyValueTable, 'key_values');
    assert.equal(pg.storage?.postgres?.maximumPoolSize, 10);
    assert.equal(pg.storage?.postgres?.password, '');
    assert.deepEqual(pg.storage?.cache?.keyValue, { maximumSize: 500, expireAfterAccessSeconds: 60 });
    const mysql = load('storage-mysql.yml').config;
    assert.equal(mysql.storage?.mysql?.password, null);
    assert.equal(mysql.storage?.mysql?.keySetTable, 'key_set_storage');
  });

  it('transport: inMemory / storage: inMemory and empty keys enabling components', () => {
    const { config } = load('in-memory.yml');
    assert.deepEqual(config.transport.inMemory, {});
    assert.deepEqual(config.storage?.inMemory, {});
    assert.equal(config.services[0]?.executor?.concurrency, 1);
    assert.equal(config.workflows[0]?.stateEngine?.timerHandlerPastDueSeconds, 259200);
    assert.equal(config.workflows[0]?.tagEngine?.fanoutPageSize, 5000);
  });

  it('the env-var config: defaults when unset, typed values from the environment', () => {
    assert.throws(
      () => load('env-vars.yml', { REDIS_DB: '0' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.issues.length, 1);
        assert.equal(
          error.issues[0]?.message,
          'required variable PULSAR_BROKER_URL is missing a value: set PULSAR_BROKER_URL',
        );
        assert.deepEqual([error.issues[0]?.line, error.issues[0]?.col], [6, 23]);
        return true;
      },
    );
    const defaults = load('env-vars.yml', { PULSAR_BROKER_URL: 'pulsar://p:6650', REDIS_DB: '1' }).config;
    assert.equal(defaults.storage?.redis?.port, 6379);
    assert.equal(defaults.storage?.redis?.ssl, false);
    assert.equal(defaults.storage?.redis?.database, 1);
    assert.equal(defaults.shutdownGracePeriodSeconds, 20);
    assert.equal(defaults.services[0]?.executor?.timeoutSeconds, 2.5);
    assert.equal(defaults.observability.enabled, true);
    const set = load('env-vars.yml', {
      PULSAR_BROKER_URL: 'pulsar://p:6650',
      REDIS_DB: '5',
      REDIS_PORT: '6380',
      REDIS_SSL: 'true',
      HELLO_CONCURRENCY: '16',
      MAX_REDELIVER: '7',
      HEALTH_ENABLED: 'off',
      STORAGE_COMPRESSION: 'gzip',
      LOG_LEVEL: 'warn',
    });
    assert.equal(set.config.storage?.redis?.port, 6380);
    assert.equal(set.config.storage?.redis?.ssl, true);
    assert.equal(set.config.services[0]?.executor?.concurrency, 16);
    assert.equal(set.config.transport.pulsar?.consumer.maxRedeliverCount, 7);
    assert.equal(set.config.observability.enabled, false);
    assert.equal(set.config.logging.level, 'warn');
    assert.equal(set.sourceOf('storage.redis.port').kind, 'env');
    assert.equal(set.sourceOf('storage.redis.host').kind, 'file');
  });

  it("the ConfigMap's base.yml loads in the pod (env set) and keeps placeholders for promotion", () => {
    const env = {
      POD_NAME: 'worker-0',
      PULSAR_BROKER_URL: 'pulsar://pulsar:6650',
      PULSAR_ADMIN_URL: 'http://pulsar:8080',
      PULSAR_TOKEN: 't',
      REDIS_HOST: 'redis',
      REDIS_PASSWORD: 'p',
    };
    const pod = load('configmap/base.yml', env).config;
    assert.equal(pod.storage?.redis?.ssl, true);
    assert.equal(pod.storage?.redis?.port, 6379);
    assert.equal(pod.transport.shutdownGracePeriodSeconds, 25);
    const promoted = loadConfig([join(valid, 'configmap/base.yml')], {
      env: {},
      keepPlaceholders: true,
      cwd: valid,
    });
    assert.equal(promoted.config.services[0]?.executor?.concurrency, 8);
    assert.throws(() => load('configmap/base.yml'), /variable POD_NAME is not set/);
  });
});

describe("the deployment guide's single- and multi-tenant fragments, over a base", () => {
  const dir = join(valid, 'guide-deployment');

  it('single tenant: the production fragment overrides tenant, namespace and Redis; the base fills the rest', () => {
    const { config, sourceOf } = loadEnvironment('production', { dir, env: {} });
    const pulsar = config.transport.pulsar!;
    assert.deepEqual([pulsar.tenant, pulsar.namespace], ['mycompany', 'production']);
    assert.equal(pulsar.brokerServiceUrl, 'pulsar://pulsar.internal:6650/', 'kept from base');
    assert.deepEqual(config.storage?.redis && [config.storage.redis.host, config.storage.redis.port], [
      'redis-prod.internal',
      6379,
    ]);
    assert.equal(config.storage?.redis?.database, 0);
    assert.equal(config.services[0]?.executor?.concurrency, 10);
    assert.deepEqual(sourceOf('storage.redis.port'), {
      kind: 'file',
      file: 'config/base.yml',
      line: 11,
      col: 11,
    });
    assert.deepEqual(sourceOf('storage.redis.host'), {
      kind: 'file',
      file: 'config/production.yml',
      line: 11,
      col: 11,
    });
  });

  it('multi tenant: tenant A and B share Pulsar and Redis hosts, differ in tenant and database', () => {
    const a = loadEnvironment('tenant-a', { dir, env: {} }).config;
    const b = loadEnvironment('tenant-b', { dir, env: {} }).config;
    assert.deepEqual(
      [a, b].map((c) => [
        c.transport.pulsar?.tenant,
        c.transport.pulsar?.namespace,
        c.storage?.redis?.database,
      ]),
      [
        ['tenant-a', 'production', 0],
        ['tenant-b', 'production', 1],
      ],
    );
    assert.equal(a.storage?.redis?.host, b.storage?.redis?.host);
    assert.equal(a.transport.pulsar?.brokerServiceUrl, b.transport.pulsar?.brokerServiceUrl);
  });
});

describe('project environments: base + overlay, later wins', () => {
  const dir = join(valid, 'overlay');

  it('production overrides scalars, merges maps deeply, merges services by name, reads .env', () => {
    const { config, sourceOf, files } = loadEnvironment('production', {
      dir,
      env: { REDIS_HOST: 'redis.env' },
    });
    assert.deepEqual(files, ['config/base.yml', 'config/production.yml']);
    const pulsar = config.transport.pulsar!;
    assert.equal(pulsar.brokerServiceUrl, 'pulsar+ssl://pulsar.prod:6651');
    assert.equal(pulsar.tenant, 'orders', 'kept from base');
    assert.equal(pulsar.namespace, 'production');
    assert.equal(pulsar.consumer.negativeAckRedeliveryDelaySeconds, 1, 'deep merge keeps base keys');
    assert.equal(pulsar.client?.authentication?.token, 'eyJ.token');
    assert.equal(config.storage?.redis?.host, 'redis.env', 'the process env wins over .env');
    assert.equal(config.storage?.redis?.password, 'p@ss word');
    assert.equal(config.storage?.redis?.ssl, true);
    assert.equal(config.storage?.redis?.port, 6379);
    assert.deepEqual(
      config.services.map((s) => [s.name, s.executor?.concurrency]),
      [
        ['PaymentService', 20],
        ['EmailService', 1],
        ['InvoiceService', 4],
      ],
    );
    const retry = config.services[0]!.executor!.retry!;
    assert.equal(retry.maximumRetries, 3, 'merged by name: base keys stay');
    assert.deepEqual(retry.ignoredExceptions, ['FraudError'], 'plain lists are replaced');
    assert.equal(config.services[0]!.executor!.timeoutSeconds, 30);
    assert.deepEqual(config.logging, { level: 'debug', format: 'json' });
    assert.deepEqual(sourceOf('transport.pulsar.tenant'), {
      kind: 'file',
      file: 'config/base.yml',
      line: 6,
      col: 13,
    });
    assert.deepEqual(sourceOf('transport.pulsar.namespace'), {
      kind: 'file',
      file: 'config/production.yml',
      line: 7,
      col: 16,
    });
    assert.equal(sourceOf('storage.redis.host').kind, 'env');
    assert.deepEqual(sourceOf('storage.redis.password'), {
      kind: 'dotenv',
      variable: 'REDIS_PASSWORD',
      envFile: '.env',
      file: 'config/production.yml',
      line: 14,
      col: 15,
    });
  });

  it('multi-tenant variants share the base and differ in tenant, namespace and database', () => {
    const acme = loadEnvironment('tenant-acme', { dir, env: {} }).config;
    const globex = loadEnvironment('tenant-globex', { dir, env: {} }).config;
    assert.deepEqual(
      [acme.transport.pulsar?.tenant, acme.transport.pulsar?.namespace],
      ['acme', 'acme-prod'],
    );
    assert.deepEqual(
      [globex.transport.pulsar?.tenant, globex.transport.pulsar?.namespace],
      ['globex', 'globex-prod'],
    );
    assert.equal(acme.storage?.redis?.database, 3);
    assert.equal(globex.storage?.redis?.database, 4);
    assert.deepEqual(globex.transport.pulsar?.allowedClusters, ['eu-west']);
    assert.equal(acme.services.length, 2);
  });

  it('--config files merge in the order given (later wins), like compose -f', () => {
    const a = loadConfig(['config/base.yml', 'config/tenant-acme.yml', 'config/tenant-globex.yml'], {
      cwd: dir,
      env: {},
    });
    const b = loadConfig(['config/base.yml', 'config/tenant-globex.yml', 'config/tenant-acme.yml'], {
      cwd: dir,
      env: {},
    });
    assert.equal(a.config.transport.pulsar?.tenant, 'globex');
    assert.equal(b.config.transport.pulsar?.tenant, 'acme');
  });

  it('an unknown environment is an error listing those that exist', () => {
    assert.throws(
      () => environmentFiles('staging', dir),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /config\/staging\.yml: not found \(environments in .*: production, tenant-acme, tenant-globex\)/,
        );
        return true;
      },
    );
  });
});
