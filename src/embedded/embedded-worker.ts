/**
 * The embedded mode: the project's implementations run in this process on the runtime's
 * in-memory transport and storage, so a machine without Docker still runs the sample end to end.
 * Settings come from the project's config (executor concurrency/timeout/retry, observability
 * port, log level); transport and storage are replaced by in-memory ones.
 */
import type { HealthServer, InfiniticWorker, LogLevel, ServiceOptions } from '@infinitic/runtime';
import { CliError, EXIT } from '../cli/run-cli.ts';
import { DEV_INFO_PATH, devRoutes } from './dev-endpoint.ts';
import { findEmbeddedWorker } from './dev-endpoint-client.ts';
import {
  checkTarget,
  type DispatchClient,
  type DispatchOutcome,
  type DispatchRequest,
  oneLine,
  runDispatch,
} from './dispatch-request.ts';
import { type LoadedProject, loadProject, methodsOf } from './load-project.ts';
import { readerOf } from './workflows-request.ts';

export interface EmbeddedOptions {
  /** Project directory (holds package.json, config/, dist/src/registry.js). */
  dir: string;
  /** Config environment whose settings apply. Default 'dev'. */
  env?: string;
  /**
   * Serve the worker's /health, /ready, /metrics and the dev routes (dev-endpoint.ts) on
   * 127.0.0.1; `port` defaults to the config's observability.port (0 = any free port). None when absent.
   */
  devEndpoint?: { port?: number };
  /** Default: the config's logging.level. */
  logLevel?: LogLevel;
  /** Where JSON logs go. Default stdout. */
  logTo?: 'stdout' | 'stderr';
  /** Environment for `${VAR}` in config. Default process.env. */
  processEnv?: Record<string, string | undefined>;
}

export interface EmbeddedWorker {
  project: LoadedProject;
  worker: InfiniticWorker;
  /** Port of the worker's HTTP server (with the dev routes) once listening. */
  port?: number;
  /** Where that server serves the Prometheus text (the config's observability.metricsPath). */
  metricsPath?: string;
  /** Services and workflows with their methods (undefined: not checked). */
  known: Record<'service' | 'workflow', Record<string, string[] | undefined>>;
  dispatch(request: DispatchRequest): Promise<DispatchOutcome>;
  close(): Promise<void>;
}

type LoadedConfig = ReturnType<LoadedProject['runtime']['loadEnvironment']>['config'];

function loadSettings(project: LoadedProject, env: string, processEnv: Record<string, string | undefined>) {
  try {
    return project.runtime.loadEnvironment(env, { dir: project.dir, env: processEnv }).config;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `config of ${project.dir} (--env ${env}): ${oneLine(text)}`,
      EXIT.invalid,
      'INF_EMBEDDED_CONFIG',
    );
  }
}

function serviceOptionsFrom(config: LoadedConfig, services: Record<string, object>) {
  const options: Record<string, ServiceOptions> = {};
  for (const service of config.services) {
    const executor = service.executor;
    if (!executor || !(service.name in services)) continue;
    options[service.name] = {
      // at least 1: `concurrency: 0` turns a service off on a container worker, not in embedded mode
      concurrency: Math.max(1, executor.concurrency),
      ...(executor.timeoutSeconds !== undefined ? { timeoutSeconds: executor.timeoutSeconds } : {}),
      ...(executor.retry ? { retry: executor.retry } : {}),
    };
  }
  return options;
}

/** Starts the embedded worker (and its dev endpoint when a port is given). */
export async function startEmbeddedWorker(options: EmbeddedOptions): Promise<EmbeddedWorker> {
  const project = await loadProject(options.dir);
  const { runtime, registry } = project;
  const env = options.env ?? 'dev';
  const config = loadSettings(project, env, options.processEnv ?? process.env);
  if (Object.keys(registry.services).length === 0 && Object.keys(registry.workflows).length === 0) {
    throw new CliError(
      `${project.dir}/src/registry.ts registers no service and no workflow: add yours there, then npm run build`,
      EXIT.invalid,
      'INF_EMBEDDED_REGISTRY',
    );
  }
  const logger = runtime.createLogger({
    name: `${project.name}-embedded`,
    level: options.logLevel ?? config.logging.level,
    ...(options.logTo === 'stderr' ? { destination: process.stderr } : {}),
  });
  const transport = new runtime.InMemoryTransport();
  const storage = new runtime.InMemoryStorage();
  const hasWorkflows = Object.keys(registry.workflows).length > 0;
  const worker = new runtime.InfiniticWorker({
    name: `${project.name}-embedded`,
    transport,
    storage,
    services: registry.services,
    serviceOptions: serviceOptionsFrom(config, registry.services),
    shutdownGracePeriodSeconds: config.shutdownGracePeriodSeconds ?? 5,
    logger,
    closeComponents: true,
    // runtimes with durable workflows take them here; older ones ignore the key
    ...(hasWorkflows ? { workflows: registry.workflows } : {}),
  } as ConstructorParameters<typeof runtime.InfiniticWorker>[0]);
  const client = worker.newClient({
    name: `${project.name}-embedded-client`,
  }) as unknown as DispatchClient & {
    close(): Promise<void>;
  };
  const known = {
    service: Object.fromEntries(
      Object.entries(registry.services).map(([name, impl]) => [name, methodsOf(impl)]),
    ),
    workflow: Object.fromEntries(Object.keys(registry.workflows).map((name) => [name, undefined])),
  };
  const dispatch = (request: DispatchRequest) => {
    checkTarget(request, known[request.kind], `${project.name} (src/registry.ts)`);
    return runDispatch(client, request);
  };
  let http: HealthServer | undefined;
  const httpPort = options.devEndpoint?.port ?? config.observability.port;
  const { metricsPath } = config.observability;
  const close = async () => {
    await http?.close();
    await client.close();
    await worker.close();
  };
  try {
    await worker.start();
    if (options.devEndpoint) {
      // the runtime's health server, loopback only, with the dev routes `dispatch`/`workflows` call
      http = new runtime.HealthServer({
        port: httpPort,
        host: '127.0.0.1',
        metricsPath,
        transport,
        storage,
        registry: worker.metrics.registry,
        state: () => worker.state,
        routes: devRoutes({
          project: project.name,
          dir: project.dir,
          known,
          dispatch,
          workflows: readerOf(client),
        }),
      });
      await http.start();
      // a project's runtime older than mounted routes serves no /dev/info: say so, not "nothing answers"
      if (!(await findEmbeddedWorker(http.port, project.dir))) {
        throw new CliError(
          `the project's @infinitic/runtime cannot serve the dev routes (${DEV_INFO_PATH}): update it in ${project.dir}`,
          EXIT.failure,
          'INF_EMBEDDED_RUNTIME',
        );
      }
    }
  } catch (error) {
    await close().catch(() => {});
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new CliError(
        `port ${httpPort} (observability.port) is already in use: stop what listens there or set INFINITIC_HEALTH_PORT to a free port`,
        EXIT.failure,
        'INF_EMBEDDED_PORT',
      );
    }
    throw error;
  }
  return {
    project,
    worker,
    ...(http ? { port: http.port, metricsPath } : {}),
    known,
    dispatch,
    close,
  };
}

/** The config's observability port (where `dev up --embedded` listens and `dispatch` looks). */
export async function observabilityPort(
  dir: string,
  env = 'dev',
  processEnv: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { loadEnvironment } = await import('@infinitic/runtime');
  return loadEnvironment(env, { dir, env: processEnv }).config.observability.port;
}
