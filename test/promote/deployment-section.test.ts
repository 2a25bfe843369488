/**
 * The `deployment:` config section: sensible defaults, strict validation with located errors, and
 * ignored by the worker at run time (a worker starts from a config that carries it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadEnvironment, parseConfig } from '@infinitic/runtime';
import getPort from 'get-port';
import { appFixture } from './helpers.ts';

// The runtime's index does not export the worker yet: load it from source (a URL, so tsc does not
// try to rewrite a path into the other project).
const workerModule = new URL('../../runtime/src/worker/infinitic-worker.ts', import.meta.url).href;
interface Worker {
  start(): Promise<void>;
  close(): Promise<void>;
}
const { InfiniticWorker } = (await import(workerModule)) as {
  InfiniticWorker: {
    fromConfig(config: object, options: { services: Record<string, object> }): Promise<Worker>;
  };
};

describe('config: deployment section', () => {
  it('has defaults: 2 replicas, requests and limits, HPA 2..10 at 70 % CPU / 80 % memory, no groups', () => {
    const { deployment } = parseConfig({ transport: 'inMemory' });
    assert.deepEqual(deployment, {
      imagePullPolicy: 'IfNotPresent',
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      autoscaling: {
        enabled: true,
        minReplicas: 2,
        maxReplicas: 10,
        targetCPUUtilizationPercentage: 70,
        targetMemoryUtilizationPercentage: 80,
      },
      workerGroups: [],
      labels: {},
      annotations: {},
    });
  });

  it('loads the sample project, worker groups merged from production.yml', () => {
    const { config } = loadEnvironment('production', {
      dir: appFixture,
      env: { PULSAR_TOKEN: 't', REDIS_PASSWORD: 'p' },
      envFile: false,
    });
    assert.deepEqual(
      config.deployment.workerGroups.map((g) => [g.name, g.services, g.workflows]),
      [
        ['cpu-intensive', ['ImageResizer'], []],
        ['io-intensive', ['PaymentGateway', 'EmailSender'], ['OrderWorkflow']],
      ],
    );
  });

  it('rejects bad values with clear messages', () => {
    const bad = {
      transport: 'inMemory',
      deployment: {
        resources: { limits: { cpu: 'lots' } },
        autoscaling: { minReplicas: 5, maxReplicas: 2 },
        workerGroups: [{ name: 'CPU_heavy' }],
        replicaz: 2,
      },
    };
    assert.throws(
      () => parseConfig(bad),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
        assert.match(text, /deployment\.resources\.limits\.cpu: cpu must be a Kubernetes quantity/);
        assert.match(text, /deployment\.autoscaling\.maxReplicas: maxReplicas MUST be >= minReplicas/);
        assert.match(text, /deployment\.workerGroups\[0\]\.name: must be a DNS label/);
        assert.match(text, /deployment\.replicaz: unknown key 'replicaz' \(did you mean 'replicas'\?\)/);
        return true;
      },
    );
  });

  it('is ignored by the worker at run time', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const worker = await InfiniticWorker.fromConfig(
      {
        transport: 'inMemory',
        storage: 'inMemory',
        observability: { port, host: '127.0.0.1' },
        logging: { level: 'silent' },
        services: [{ name: 'Echo', executor: { concurrency: 1 } }],
        deployment: { image: 'registry/app:1.0.0', workerGroups: [{ name: 'io', services: ['Echo'] }] },
      },
      { services: { Echo: { echo: (text: string) => text } } },
    );
    try {
      await worker.start();
      const health = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(health.status, 200);
    } finally {
      await worker.close();
    }
  });
});
