/**
 * Maps a validated configuration (runtime/src/config) to InfiniticWorker options: the transport
 * (`transport.pulsar` → PulsarWsTransport, `inMemory` → InMemoryTransport), the storage
 * (`storage.*` → the storage factory), each configured service's executor settings, each
 * configured workflow's engine settings, the health server (`observability`), the log level and
 * the grace period.
 *
 * What a worker runs: everything implemented (and not switched off in config), unless a
 * selection is given. `only` (`--services A,B`) and `onlyWorkflows` (`--workflows C,D`) each
 * select among their kind; a worker given one selection runs nothing of the other kind, so a
 * worker group named for some workflows runs no services and vice versa.
 */
import { hostname } from 'node:os';
import { type InfiniticConfig, type InfiniticConfigInput, loadConfig, parseConfig } from '../config/index.ts';
import { InfiniticError } from '../errors.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { InMemoryStorage, storageFromConfig } from '../storage/index.ts';
import type { Storage } from '../storage/storage.ts';
import { InMemoryTransport, PulsarWsTransport } from '../transport/index.ts';
import type { Transport } from '../transport/transport.ts';
import type { WorkflowDefinitions } from '../workflow/definitions.ts';
import type { WorkflowSettings } from '../workflow/workflow-engine.ts';
import type { InfiniticWorkerOptions, ServiceOptions } from './infinitic-worker.ts';

export interface FromConfigOptions {
  /** Service name → implementation; each configured service needs one. */
  services: Record<string, object>;
  /**
   * Run only these services (`--services A,B` for task-specific workers). Default: all of them,
   * or none when only `onlyWorkflows` is given.
   */
  only?: string[];
  /** Workflow name → implementation (or all its versions); the worker runs their engine. */
  workflows?: WorkflowDefinitions;
  /**
   * Run only these workflows (`--workflows A,B`). Default: all of them, or none when only `only`
   * is given.
   */
  onlyWorkflows?: string[];
}

function workerError(message: string): InfiniticError {
  return new InfiniticError('INF_WORKER_CONFIG', message);
}

/** `logger` receives the transport's warnings (refused provisioning, reconnects); default: its own JSON logger. */
export function transportFromConfig(
  config: InfiniticConfig,
  clientName: string,
  logger?: Pick<Logger, 'warn'>,
): Transport {
  const { pulsar } = config.transport;
  if (!pulsar) return new InMemoryTransport();
  const client = pulsar.client ?? {};
  const tls =
    client.tlsTrustCertsFilePath ||
    client.tlsCertificateFilePath ||
    client.allowTlsInsecureConnection !== undefined
      ? {
          ...(client.tlsTrustCertsFilePath ? { trustCertsFilePath: client.tlsTrustCertsFilePath } : {}),
          ...(client.tlsCertificateFilePath ? { certFilePath: client.tlsCertificateFilePath } : {}),
          ...(client.tlsKeyFilePath ? { keyFilePath: client.tlsKeyFilePath } : {}),
          ...(client.allowTlsInsecureConnection !== undefined
            ? { allowInsecureConnection: client.allowTlsInsecureConnection }
            : {}),
          ...(client.enableTlsHostnameVerification !== undefined
            ? { validateHostname: client.enableTlsHostnameVerification }
            : {}),
        }
      : undefined;
  const consumer = pulsar.consumer;
  return new PulsarWsTransport({
    webServiceUrl: pulsar.webServiceUrl,
    ...(pulsar.webSocketUrl ? { webSocketUrl: pulsar.webSocketUrl } : {}),
    tenant: pulsar.tenant,
    namespace: pulsar.namespace,
    clientName,
    ...(logger ? { logger } : {}),
    ...(client.authentication?.token ? { token: client.authentication.token } : {}),
    ...(tls ? { tls } : {}),
    admin: {
      ...(pulsar.allowedClusters ? { allowedClusters: pulsar.allowedClusters } : {}),
      ...(pulsar.adminRoles ? { adminRoles: pulsar.adminRoles } : {}),
    },
    policies: pulsar.policies,
    consumer: {
      maxRedeliverCount: consumer.maxRedeliverCount,
      ...(consumer.negativeAckRedeliveryDelaySeconds !== undefined
        ? { negativeAckRedeliveryDelayMs: consumer.negativeAckRedeliveryDelaySeconds * 1000 }
        : {}),
      ...(consumer.receiverQueueSize ? { receiverQueueSize: consumer.receiverQueueSize } : {}),
    },
  });
}

/**
 * Which names of one kind to run: `selected` when given (each must be known), nothing when only
 * the other kind is selected, else everything.
 */
function selection(
  flag: '--services' | '--workflows',
  known: Set<string>,
  selected: string[] | undefined,
  otherSelected: string[] | undefined,
): (name: string) => boolean {
  const kind = flag === '--services' ? 'service' : 'workflow';
  for (const name of selected ?? []) {
    if (!known.has(name)) {
      throw workerError(`${flag}: unknown ${kind} '${name}' (known: ${[...known].join(', ') || 'none'})`);
    }
  }
  if (selected) return (name) => selected.includes(name);
  return () => otherSelected === undefined;
}

/** Chooses the services to run and their executor settings; throws located errors. */
export function servicesFromConfig(
  config: InfiniticConfig,
  options: FromConfigOptions,
): { services: Record<string, object>; serviceOptions: Record<string, ServiceOptions> } {
  const implemented = Object.keys(options.services);
  const configured = new Map(config.services.map((service, index) => [service.name, { service, index }]));
  const known = new Set([...implemented, ...configured.keys()]);
  const wanted = selection('--services', known, options.only, options.onlyWorkflows);
  const services: Record<string, object> = {};
  const serviceOptions: Record<string, ServiceOptions> = {};
  for (const [name, { service, index }] of configured) {
    const executor = service.executor;
    if (!executor || executor.concurrency === 0 || !wanted(name)) continue;
    const implementation = options.services[name];
    if (!implementation) {
      throw workerError(
        `services[${index}] '${name}' has an executor but no implementation: pass it to runWorkerMain({ services: { ${name}: new ${name}Impl() } })`,
      );
    }
    services[name] = implementation;
    serviceOptions[name] = {
      concurrency: executor.concurrency,
      ...(executor.timeoutSeconds !== undefined ? { timeoutSeconds: executor.timeoutSeconds } : {}),
      ...(executor.retry ? { retry: executor.retry } : {}),
    };
  }
  // Implementations without a config entry run with the defaults (concurrency 1, no retry, no timeout).
  for (const name of implemented) {
    if (!configured.has(name) && wanted(name)) services[name] = options.services[name] as object;
  }
  return { services, serviceOptions };
}

/**
 * Chooses the workflows to run and their engine settings; throws located errors. In TypeScript
 * one engine consumer runs both the state engine and the workflow code (Infinitic's executor), so
 * its concurrency is the larger of `executor.concurrency` and `stateEngine.concurrency`;
 * `executor.concurrency: 0` means this worker does not run the workflow. Keys without a meaning
 * here are informational (see config/REFERENCE.md); the schema refuses a per-engine storage.
 */
export function workflowsFromConfig(
  config: InfiniticConfig,
  options: FromConfigOptions,
): { workflows: WorkflowDefinitions; perWorkflow: Record<string, WorkflowSettings> } {
  const definitions = options.workflows ?? {};
  const implemented = Object.keys(definitions);
  const configured = new Map(config.workflows.map((workflow, index) => [workflow.name, { workflow, index }]));
  const known = new Set([...implemented, ...configured.keys()]);
  const wanted = selection('--workflows', known, options.onlyWorkflows, options.only);
  const workflows: WorkflowDefinitions = {};
  const perWorkflow: Record<string, WorkflowSettings> = {};
  for (const [name, { workflow, index }] of configured) {
    const { executor, stateEngine } = workflow;
    if (executor?.concurrency === 0 || !wanted(name)) continue;
    const definition = definitions[name];
    if (!definition) {
      if (!executor && !stateEngine) continue; // nothing this worker would run (e.g. a tagEngine only)
      throw workerError(
        `workflows[${index}] '${name}' has ${executor ? 'an executor' : 'a stateEngine'} but no implementation: pass it to runWorkerMain({ workflows: { ${name}: ${name}Impl } })`,
      );
    }
    workflows[name] = definition;
    const concurrency = Math.max(executor?.concurrency ?? 0, stateEngine?.concurrency ?? 0);
    perWorkflow[name] = {
      ...(concurrency > 0 ? { concurrency } : {}),
      ...(executor ? { checkMode: executor.checkMode } : {}),
    };
  }
  // Implementations without a config entry run with the engine's defaults.
  for (const name of implemented) {
    if (!configured.has(name) && wanted(name))
      workflows[name] = definitions[name] as WorkflowDefinitions[string];
  }
  return { workflows, perWorkflow };
}

function selectionText(options: FromConfigOptions): string {
  const parts = [
    ...(options.only ? [`--services ${options.only.join(',')}`] : []),
    ...(options.onlyWorkflows ? [`--workflows ${options.onlyWorkflows.join(',')}`] : []),
  ];
  return parts.length > 0 ? ` among ${parts.join(' and ')}` : '';
}

/** The services and workflows this worker runs, with their settings; throws when that is nothing. */
export function runnablesFromConfig(config: InfiniticConfig, options: FromConfigOptions) {
  const services = servicesFromConfig(config, options);
  const workflows = workflowsFromConfig(config, options);
  if (Object.keys(services.services).length === 0 && Object.keys(workflows.workflows).length === 0) {
    const what = options.onlyWorkflows && !options.only ? 'workflow' : 'service';
    throw workerError(
      `no ${what} to run${selectionText(options)}: configure ${what}s[] with an executor and pass their implementations`,
    );
  }
  return { ...services, ...workflows };
}

/** Worker options from a validated config; the worker owns (and closes) the transport and storage. */
export function workerOptionsFromConfig(
  config: InfiniticConfig,
  options: FromConfigOptions,
): InfiniticWorkerOptions {
  const name = config.name ?? `worker-${hostname()}-${process.pid}`;
  const { services, serviceOptions, workflows, perWorkflow } = runnablesFromConfig(config, options);
  const storage: Storage = config.storage ? storageFromConfig(config.storage) : new InMemoryStorage();
  const { observability, logging } = config;
  // One logger for the worker and its transport, so transport warnings follow logging.level/format.
  const logger = createLogger({ name, level: logging.level, format: logging.format });
  const transport = transportFromConfig(config, name, logger);
  const consumer = config.transport.pulsar?.consumer;
  return {
    name,
    logger,
    transport,
    storage,
    services,
    serviceOptions,
    ...(Object.keys(workflows).length > 0 ? { workflows, workflowOptions: { perWorkflow } } : {}),
    shutdownGracePeriodSeconds:
      config.shutdownGracePeriodSeconds ?? config.transport.shutdownGracePeriodSeconds,
    logLevel: logging.level, // what `logger` was made with, kept for callers that read the options
    logFormat: logging.format,
    closeComponents: true,
    ...(observability.enabled
      ? {
          http: {
            port: observability.port,
            host: observability.host,
            metricsPath: observability.metricsPath,
          },
        }
      : {}),
    ...(consumer ? { maxRedeliverCount: consumer.maxRedeliverCount } : {}),
    ...(consumer?.negativeAckRedeliveryDelaySeconds !== undefined
      ? { negativeAckRedeliveryDelayMs: consumer.negativeAckRedeliveryDelaySeconds * 1000 }
      : {}),
  };
}

/** Loads files (merged left to right) or validates a config object, then maps it. */
export async function workerOptionsFromSource(
  source: string | string[] | InfiniticConfigInput,
  options: FromConfigOptions & { env?: Record<string, string | undefined> },
): Promise<InfiniticWorkerOptions> {
  const config =
    typeof source === 'string' || Array.isArray(source)
      ? (
          await loadConfig(typeof source === 'string' ? [source] : source, {
            env: options.env ?? process.env,
          })
        ).config
      : parseConfig(source);
  return workerOptionsFromConfig(config, options);
}
