/**
 * `infinitic dispatch` against the running dev stack: the published addresses of its Pulsar and
 * Redis are read from the containers (found by label, so a remapped port still works), put in
 * place of the config's `${PULSAR_WEB_SERVICE_URL}`, `${REDIS_HOST}`... and the project's
 * config/base.yml + config/<env>.yml give the rest (tenant, namespace, storage).
 */
import { resolve } from 'node:path';
import {
  InfiniticClient,
  loadEnvironment,
  PulsarWsTransport,
  type Storage,
  storageFromConfig,
} from '@infinitic/runtime';
import { checkTarget, type DispatchClient } from '../../embedded/dispatch-request.ts';
import { loadProject, methodsOf } from '../../embedded/load-project.ts';
import { connectDocker, loadStackModel, STACK_CODES } from '../../stack/index.ts';
import { listReplicas } from '../../stack/inventory.ts';
import { CliError, EXIT } from '../run-cli.ts';

export interface StackTarget {
  project: string;
  /** Environment overrides pointing the config at the published ports. */
  addresses: Record<string, string>;
  workers: number;
}

const EMBEDDED_HINT =
  'or run without Docker: `infinitic dispatch ... --embedded`, or `infinitic dev up --embedded` in another terminal';

/** Finds the project's running stack and its published Pulsar and Redis ports. */
export async function findStack(dir: string, env: Record<string, string | undefined>): Promise<StackTarget> {
  const model = loadStackModel({ projectDir: dir, worker: false, env });
  let docker: Awaited<ReturnType<typeof connectDocker>>;
  try {
    docker = await connectDocker();
  } catch (error) {
    if ((error as { code?: string }).code !== STACK_CODES.dockerUnreachable) throw error;
    throw new CliError(
      `${(error as Error).message.replace(/;.*$/, '')}: the dev stack cannot be reached; ${EMBEDDED_HINT}`,
      EXIT.failure,
      'INF_DISPATCH_NO_STACK',
    );
  }
  const running = (await listReplicas(docker, model.project)).filter((r) => r.state === 'running');
  const port = (service: string, container: number) =>
    running.find((r) => r.service === service && r.ports[String(container)])?.ports[String(container)];
  const http = port('pulsar', 8080);
  const broker = port('pulsar', 6650);
  const redis = port('redis', 6379);
  if (!http) {
    throw new CliError(
      `the dev stack of ${model.project} is not running (no Pulsar container): start it with \`infinitic dev up\`, ${EMBEDDED_HINT}`,
      EXIT.failure,
      'INF_DISPATCH_NO_STACK',
    );
  }
  const workers = running.filter((r) => r.service === 'worker').length;
  if (workers === 0) {
    throw new CliError(
      `the dev stack of ${model.project} runs no worker replica: \`infinitic dev up\` (or \`infinitic dev scale worker=1\`) starts them`,
      EXIT.failure,
      'INF_DISPATCH_NO_STACK',
    );
  }
  return {
    project: model.project,
    workers,
    addresses: {
      PULSAR_WEB_SERVICE_URL: `http://127.0.0.1:${http}`,
      ...(broker ? { PULSAR_BROKER_SERVICE_URL: `pulsar://127.0.0.1:${broker}` } : {}),
      ...(redis ? { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis) } : {}),
    },
  };
}

/** Services the worker can run: the built registry's (with methods) when built, else the config's. */
async function knownServices(
  dir: string,
  configured: string[],
): Promise<Record<string, string[] | undefined>> {
  try {
    const { registry } = await loadProject(dir);
    const known: Record<string, string[] | undefined> = Object.fromEntries(
      Object.entries(registry.services).map(([name, impl]) => [name, methodsOf(impl)]),
    );
    for (const name of configured) known[name] ??= undefined;
    return known;
  } catch {
    return Object.fromEntries(configured.map((name) => [name, undefined]));
  }
}

export interface StackClient {
  client: DispatchClient & { close(): Promise<void> };
  stack: StackTarget;
  check(request: { kind: 'service' | 'workflow'; target: string; method: string }): Promise<void>;
}

/** A client on the dev stack's Pulsar (WebSocket API) and the project's storage. */
export async function stackClient(dirArg: string, envName: string): Promise<StackClient> {
  const dir = resolve(dirArg);
  const stack = await findStack(dir, process.env);
  const env = { ...process.env, ...stack.addresses };
  let config: ReturnType<typeof loadEnvironment>['config'];
  try {
    config = loadEnvironment(envName, { dir, env }).config;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `config (--env ${envName}): ${text.split('\n').join('; ')}`,
      EXIT.invalid,
      'INF_CONFIG',
    );
  }
  const pulsar = config.transport.pulsar;
  if (!pulsar) {
    throw new CliError(
      `config/${envName}.yml uses the in-memory transport: nothing outside the worker's process can reach it; use --embedded`,
      EXIT.invalid,
      'INF_DISPATCH_NO_STACK',
    );
  }
  const name = `dispatch-${process.pid}-${Date.now().toString(36)}`;
  const transport = new PulsarWsTransport({
    webServiceUrl: stack.addresses.PULSAR_WEB_SERVICE_URL ?? pulsar.webServiceUrl,
    tenant: pulsar.tenant,
    namespace: pulsar.namespace,
    clientName: name,
    ...(pulsar.client?.authentication?.token ? { token: pulsar.client.authentication.token } : {}),
  });
  const storage: Storage | undefined = config.storage ? storageFromConfig(config.storage) : undefined;
  const client = new InfiniticClient({
    name,
    transport,
    ...(storage ? { storage } : {}),
    closeComponents: true,
  });
  const configured = config.services.map((s) => s.name);
  return {
    client: client as unknown as StackClient['client'],
    stack,
    check: async (request) => {
      // Only services are checked before sending: a workflow may be registered without config.
      if (request.kind !== 'service') return;
      const known = await knownServices(dir, configured);
      checkTarget(request, known, `${stack.project} (config and src/registry.ts)`);
    },
  };
}
