/** Workers and clients built from configuration (runtime/src/config), on the in-memory mode. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { InfiniticClient } from '../src/client/infinitic-client.ts';
import { parseConfig } from '../src/config/index.ts';
import { TaskFailedError } from '../src/engine/errors.ts';
import type { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { InfiniticWorker } from '../src/worker/infinitic-worker.ts';
import {
  runnablesFromConfig,
  servicesFromConfig,
  transportFromConfig,
  workerOptionsFromConfig,
} from '../src/worker/worker-from-config.ts';
import { HelloServiceImpl, type TrickyService, TrickyServiceImpl } from './fixtures/services.ts';

const impls = { HelloService: new HelloServiceImpl(), TrickyService: new TrickyServiceImpl() };

describe('worker from config', () => {
  test('maps each service executor: concurrency, timeout, retry; unconfigured implementations run with defaults', () => {
    const config = parseConfig({
      transport: 'inMemory',
      storage: 'inMemory',
      services: [
        {
          name: 'TrickyService',
          executor: { concurrency: 4, timeoutSeconds: 2.5, retry: { maximumRetries: 2 } },
        },
      ],
    });
    const { services, serviceOptions } = servicesFromConfig(config, { services: impls });
    assert.deepEqual(Object.keys(services).sort(), ['HelloService', 'TrickyService']);
    assert.equal(serviceOptions.TrickyService?.concurrency, 4);
    assert.equal(serviceOptions.TrickyService?.timeoutSeconds, 2.5);
    // maximumSeconds is left to the retry policy, whose default is 1000 × minimumSeconds (Infinitic's)
    assert.deepEqual(serviceOptions.TrickyService?.retry, {
      minimumSeconds: 1,
      backoffCoefficient: 2,
      randomFactor: 0.5,
      maximumRetries: 2,
      ignoredExceptions: [],
    });
    assert.equal(serviceOptions.HelloService, undefined);
  });

  test('--services keeps only the named ones; concurrency 0 disables an executor', () => {
    const config = parseConfig({
      transport: 'inMemory',
      services: [
        { name: 'HelloService', executor: { concurrency: 0 } },
        { name: 'TrickyService', executor: {} },
      ],
    });
    assert.deepEqual(
      Object.keys(servicesFromConfig(config, { services: impls, only: ['TrickyService'] }).services),
      ['TrickyService'],
    );
    assert.deepEqual(Object.keys(servicesFromConfig(config, { services: impls }).services), [
      'TrickyService',
    ]);
    assert.throws(
      () => runnablesFromConfig(config, { services: impls, only: ['HelloService'] }),
      /no service to run among --services HelloService/,
    );
  });

  test('a configured executor without implementation is a clear error', () => {
    const config = parseConfig({ transport: 'inMemory', services: [{ name: 'Billing', executor: {} }] });
    assert.throws(
      () => servicesFromConfig(config, { services: impls }),
      (e: unknown) =>
        e instanceof Error &&
        'code' in e &&
        e.code === 'INF_WORKER_CONFIG' &&
        /services\[0\] 'Billing'/.test(e.message),
    );
  });

  test('worker options: name, grace period (worker, else transport), health server, log level, owned components', () => {
    const options = workerOptionsFromConfig(
      parseConfig({
        name: 'w-1',
        transport: { inMemory: {}, shutdownGracePeriodSeconds: 7 },
        observability: { port: 9191, metricsPath: '/prom' },
        logging: { level: 'debug' },
      }),
      { services: impls },
    );
    assert.equal(options.name, 'w-1');
    assert.equal(options.shutdownGracePeriodSeconds, 7);
    assert.deepEqual(options.http, { port: 9191, host: '0.0.0.0', metricsPath: '/prom' });
    assert.equal(options.logLevel, 'debug');
    assert.equal(options.closeComponents, true);
    assert.equal(options.transport.kind, 'inMemory');
    assert.equal(options.storage.kind, 'inMemory');
  });

  test('transport.pulsar reaches the WebSocket transport: addresses, token, TLS, consumer settings', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'tasks-config-')), 'ca.pem'); // read when the transport is built
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const config = parseConfig({
      transport: {
        pulsar: {
          brokerServiceUrl: 'pulsar+ssl://pulsar.example.com:6651',
          webServiceUrl: 'https://pulsar.example.com:8443',
          webSocketUrl: 'wss://ws.example.com:9443',
          tenant: 'acme',
          namespace: 'prod',
          client: {
            authentication: { token: 'a.b.c' },
            tlsTrustCertsFilePath: ca,
            enableTlsHostnameVerification: true,
          },
          consumer: { maxRedeliverCount: 5, negativeAckRedeliveryDelaySeconds: 2, receiverQueueSize: 50 },
        },
      },
    });
    const transport = transportFromConfig(config, 'worker-1') as PulsarWsTransport;
    rmSync(dirname(ca), { recursive: true });
    const { options } = transport;
    assert.equal(transport.kind, 'pulsar-ws');
    assert.deepEqual(
      [options.webServiceUrl, options.webSocketUrl, options.tenant, options.namespace, options.clientName],
      ['https://pulsar.example.com:8443', 'wss://ws.example.com:9443', 'acme', 'prod', 'worker-1'],
    );
    assert.equal(options.token, 'a.b.c');
    assert.deepEqual(options.tls, { trustCertsFilePath: ca, validateHostname: true });
    assert.deepEqual(options.consumer, {
      maxRedeliverCount: 5,
      negativeAckRedeliveryDelayMs: 2000,
      receiverQueueSize: 50,
    });
  });

  test('InfiniticWorker.fromConfig runs tasks with the configured retry policy', async (t) => {
    const worker = await InfiniticWorker.fromConfig(
      {
        transport: 'inMemory',
        storage: 'inMemory',
        observability: { enabled: false },
        logging: { level: 'silent' },
        services: [
          {
            name: 'TrickyService',
            executor: {
              retry: { maximumRetries: 1, minimumSeconds: 0.01, maximumSeconds: 0.05, randomFactor: 0 },
            },
          },
        ],
      },
      { services: impls },
    );
    await worker.start();
    t.after(() => worker.close());
    const client = worker.newClient();
    t.after(() => client.close());
    const tricky = client.service<TrickyService>('TrickyService');
    assert.equal(await tricky.flaky(1), 1);
    await assert.rejects(tricky.flaky(2), (e: unknown) => e instanceof TaskFailedError && e.retryIndex === 1);
  });

  test('InfiniticClient.fromConfig builds its own transport and storage', async () => {
    const client = await InfiniticClient.fromConfig(
      { transport: 'inMemory', storage: 'inMemory' },
      { name: 'cfg-client' },
    );
    assert.equal(client.name, 'cfg-client');
    assert.equal(client.responseTopic, 'response:cfg-client');
    await client.close();
  });
});
