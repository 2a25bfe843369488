/**
 * Testcontainers preset for generated projects' integration tests: Pulsar and/or Redis built from
 * the same stack model as `infinitic dev up` (images, command, env, healthcheck; image overrides
 * INFINITIC_PULSAR_IMAGE / INFINITIC_REDIS_IMAGE and config/dev.yml apply), on random host ports.
 *
 *   await using stack = await startInfiniticStack({ pulsar: true, redis: true });
 *   stack.redisUrl; stack.pulsarWebServiceUrl; stack.tenant; ...
 */
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { loadStackModel, type StackService } from '../stack/model.ts';
import { provisionNamespace } from '../stack/pulsar-admin.ts';

export interface StartInfiniticStackOptions {
  pulsar?: boolean;
  redis?: boolean;
  /** Project whose config/dev.yml is read (images, tenant/namespace); default the current directory. */
  projectDir?: string;
  /** Pulsar tenant/namespace to create; default the project's. */
  tenant?: string;
  namespace?: string;
  /** Labels on every container (e.g. to sweep leftovers). */
  labels?: Record<string, string>;
  /** How long each container may take to turn healthy; default 180 000 (Pulsar, on a busy machine). */
  startupTimeoutMs?: number;
}

export interface StartedInfiniticStack {
  redisUrl?: string;
  redisHost?: string;
  redisPort?: number;
  pulsarWebServiceUrl?: string;
  pulsarBrokerServiceUrl?: string;
  pulsarWsUrl?: string;
  tenant?: string;
  namespace?: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function container(
  service: StackService,
  labels: Record<string, string>,
  timeoutMs: number,
): GenericContainer {
  const env = { ...service.envFile, ...service.env };
  let c = new GenericContainer(service.image)
    .withEnvironment(env)
    .withLabels({ ...service.labels, ...labels })
    .withExposedPorts(...service.ports.map((p) => p.container))
    .withHealthCheck({
      test: service.healthcheck.test as ['CMD', ...string[]],
      interval: service.healthcheck.intervalMs,
      timeout: service.healthcheck.timeoutMs,
      retries: service.healthcheck.retries,
      startPeriod: service.healthcheck.startPeriodMs,
    })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(timeoutMs)
    // the dev stack's named volumes become throwaway tmpfs mounts at the same paths
    .withTmpFs(Object.fromEntries(service.volumes.map((v) => [v.target, 'rw'])));
  if (service.command) c = c.withCommand(service.command);
  return c;
}

export async function startInfiniticStack(
  options: StartInfiniticStackOptions = {},
): Promise<StartedInfiniticStack> {
  const model = loadStackModel({ projectDir: options.projectDir ?? process.cwd(), worker: false });
  const timeout = options.startupTimeoutMs ?? 180_000;
  const labels = options.labels ?? {};
  const wanted = model.services.filter((s) =>
    s.name === 'pulsar' ? options.pulsar : s.name === 'redis' ? options.redis : false,
  );
  const started: StartedTestContainer[] = [];
  const stop = async () => {
    await Promise.all(started.map((c) => c.stop().catch(() => {})));
  };
  const stack: StartedInfiniticStack = { stop, [Symbol.asyncDispose]: stop };
  // allSettled: on a failure, wait for the other starts too, so none is left running
  const outcomes = await Promise.allSettled(
    wanted.map(async (service) => {
      const c = await container(service, labels, timeout).start();
      started.push(c);
      const host = c.getHost();
      if (service.name === 'redis') {
        stack.redisHost = host;
        stack.redisPort = c.getMappedPort(6379);
        stack.redisUrl = `redis://${host}:${stack.redisPort}`;
      } else {
        const http = c.getMappedPort(8080);
        stack.pulsarWebServiceUrl = `http://${host}:${http}`;
        stack.pulsarWsUrl = `ws://${host}:${http}`;
        stack.pulsarBrokerServiceUrl = `pulsar://${host}:${c.getMappedPort(6650)}`;
        stack.tenant = options.tenant ?? model.pulsar.tenant;
        stack.namespace = options.namespace ?? model.pulsar.namespace;
        await provisionNamespace(stack.pulsarWebServiceUrl, stack.tenant, stack.namespace);
      }
    }),
  );
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return stack;
}
