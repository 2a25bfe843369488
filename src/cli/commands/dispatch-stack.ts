/**
 * The running dev stack as the CLI reaches it (`infinitic dispatch`, `infinitic workflows`): the
 * published addresses of its Pulsar and Redis are read from the containers (found by label, so a
 * remapped port still works), put in place of the config's `${PULSAR_WEB_SERVICE_URL}`,
 * `${REDIS_HOST}`... and the project's config/base.yml + config/<env>.yml give the rest (tenant,
 * namespace, storage). Dispatch gets a client on both; reading workflows needs only the storage.
 */
import { resolve } from 'node:path';
import {
  createLogger,
  InfiniticClient,
  type InfiniticConfig,
  loadEnvironment,
  PulsarAdmin,
  PulsarWsTransport,
  type Storage,
  storageFromConfig,
  subscriptionFor,
  topics,
} from '@infinitic/runtime';
import { checkTarget, type DispatchClient, oneLine } from '../../embedded/dispatch-request.ts';
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

/** What a command needs of the dev stack, and how its errors say what else to do. */
export interface StackUse {
  /** 'workers': Pulsar and a worker replica (dispatch); 'storage': Redis only (reading workflows). */
  needs: 'workers' | 'storage';
  /** The command's other targets, ending the "cannot be reached" and "not running" errors. */
  otherwise: string;
  /** Code of those errors. */
  code: string;
}

const DISPATCH_USE: StackUse = {
  needs: 'workers',
  otherwise:
    'or run without Docker: `infinitic dispatch ... --embedded`, or `infinitic dev up --embedded` in another terminal',
  code: 'INF_DISPATCH_NO_STACK',
};

/** Finds the project's running stack and its published Pulsar and Redis ports. */
export async function findStack(
  dir: string,
  env: Record<string, string | undefined>,
  use: StackUse,
): Promise<StackTarget> {
  const model = loadStackModel({ projectDir: dir, worker: false, env });
  let docker: Awaited<ReturnType<typeof connectDocker>>;
  try {
    docker = await connectDocker();
  } catch (error) {
    if ((error as { code?: string }).code !== STACK_CODES.dockerUnreachable) throw error;
    throw new CliError(
      `${(error as Error).message.replace(/;.*$/, '')}: the dev stack cannot be reached; ${use.otherwise}`,
      EXIT.failure,
      use.code,
    );
  }
  const running = (await listReplicas(docker, model.project)).filter((r) => r.state === 'running');
  const port = (service: string, container: number) =>
    running.find((r) => r.service === service && r.ports[String(container)])?.ports[String(container)];
  const http = port('pulsar', 8080);
  const broker = port('pulsar', 6650);
  const redis = port('redis', 6379);
  const missing = use.needs === 'workers' ? (http ? undefined : 'Pulsar') : redis ? undefined : 'Redis';
  if (missing) {
    throw new CliError(
      `the dev stack of ${model.project} is not running (no ${missing} container): start it with \`infinitic dev up\`, ${use.otherwise}`,
      EXIT.failure,
      use.code,
    );
  }
  const workers = running.filter((r) => r.service === 'worker').length;
  if (workers === 0 && use.needs === 'workers') {
    throw new CliError(
      `the dev stack of ${model.project} runs no worker replica: \`infinitic dev up\` (or \`infinitic dev scale worker=1\`) starts them`,
      EXIT.failure,
      use.code,
    );
  }
  return {
    project: model.project,
    workers,
    addresses: {
      ...(http ? { PULSAR_WEB_SERVICE_URL: `http://127.0.0.1:${http}` } : {}),
      ...(broker ? { PULSAR_BROKER_SERVICE_URL: `pulsar://127.0.0.1:${broker}` } : {}),
      ...(redis ? { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis) } : {}),
    },
  };
}

/**
 * What the workers can run: the built registry's services (with their methods) and workflows when
 * the project is built, plus what the config names.
 */
async function knownTargets(
  dir: string,
  config: { services: { name: string }[]; workflows: { name: string }[] },
) {
  const services: Record<string, string[] | undefined> = {};
  const workflows = new Set(config.workflows.map((w) => w.name));
  try {
    const { registry } = await loadProject(dir);
    for (const [name, impl] of Object.entries(registry.services)) services[name] = methodsOf(impl);
    for (const name of Object.keys(registry.workflows)) workflows.add(name);
  } catch {
    // not built: the config's names only, methods unchecked
  }
  for (const { name } of config.services) services[name] ??= undefined;
  return { services, workflows: [...workflows] };
}

/**
 * Every dispatch makes a client with its own response topics (tasks, workflows), each with a durable
 * subscription and a dead-letter topic, which Pulsar never collects: without this, each
 * `infinitic dispatch` would leave up to four topics and two subscriptions in `dev status`. A worker
 * still holding a producer on a response topic re-creates it bare (no subscription, so nothing is
 * kept). Best effort: a failure here does not fail the dispatch.
 */
async function dropResponseTopics(admin: PulsarAdmin, tenant: string, namespace: string, client: string) {
  const responses = [topics.clientResponse(client), topics.clientResponse(`${client}-workflows`)];
  const names = responses.flatMap((topic) => [topic, topics.deadLetter(topic, subscriptionFor(topic))]);
  await Promise.all(names.map((topic) => admin.deleteTopic(tenant, namespace, topic).catch(() => {})));
}

export interface StackClient {
  client: DispatchClient;
  close(): Promise<void>;
  stack: StackTarget;
  /** Workflow names the project registers or configures (so `dispatch <name>` knows what it is). */
  workflows: string[];
  check(request: { kind: 'service' | 'workflow'; target: string; method: string }): void;
}

/** The project's config (--env envName) pointed at the stack's published addresses. */
export function stackConfig(dir: string, envName: string, stack: StackTarget): InfiniticConfig {
  try {
    return loadEnvironment(envName, { dir, env: { ...process.env, ...stack.addresses } }).config;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new CliError(`config (--env ${envName}): ${oneLine(text)}`, EXIT.invalid, 'INF_CONFIG');
  }
}

/** A client on the dev stack's Pulsar (WebSocket API) and the project's storage. */
export async function stackClient(dirArg: string, envName: string): Promise<StackClient> {
  const dir = resolve(dirArg);
  const stack = await findStack(dir, process.env, DISPATCH_USE);
  const config = stackConfig(dir, envName, stack);
  const pulsar = config.transport.pulsar;
  if (!pulsar) {
    throw new CliError(
      `config/${envName}.yml uses the in-memory transport: nothing outside the worker's process can reach it; use --embedded`,
      EXIT.invalid,
      'INF_DISPATCH_NO_STACK',
    );
  }
  const name = `dispatch-${process.pid}-${Date.now().toString(36)}`;
  const connection = {
    webServiceUrl: stack.addresses.PULSAR_WEB_SERVICE_URL ?? pulsar.webServiceUrl,
    ...(pulsar.client?.authentication?.token ? { token: pulsar.client.authentication.token } : {}),
  };
  const transport = new PulsarWsTransport({
    ...connection,
    tenant: pulsar.tenant,
    namespace: pulsar.namespace,
    clientName: name,
  });
  const storage: Storage | undefined = config.storage ? storageFromConfig(config.storage) : undefined;
  const client = new InfiniticClient({
    name,
    // warnings only, on stderr: stdout carries the result
    logger: createLogger({ name, level: 'warn', destination: process.stderr }),
    transport,
    ...(storage ? { storage } : {}),
    closeComponents: true,
  });
  const known = await knownTargets(dir, config);
  return {
    client: client as unknown as DispatchClient,
    close: async () => {
      await client.close();
      await dropResponseTopics(new PulsarAdmin(connection), pulsar.tenant, pulsar.namespace, name);
    },
    stack,
    workflows: known.workflows,
    check: (request) => {
      // Only services are checked before sending: a workflow may run without being registered here.
      if (request.kind === 'service') {
        checkTarget(request, known.services, `${stack.project} (config and src/registry.ts)`);
      }
    },
  };
}
