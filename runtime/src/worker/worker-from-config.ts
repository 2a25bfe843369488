/**
 * Maps a validated configuration (runtime/src/config) to InfiniticWorker options: the transport
 * (`transport.pulsar` → PulsarWsTransport, `inMemory` → InMemoryTransport), the storage
 * (`storage.*` → the storage factory), each configured service's executor settings, the
 * health server (`observability`), the log level and the grace period.
 */
import { hostname } from 'node:os';
import { type InfiniticConfig, type InfiniticConfigInput, loadConfig, parseConfig } from '../config/index.ts';
import { InfiniticError } from '../errors.ts';
import { InMemoryStorage, storageFromConfig } from '../storage/index.ts';
import type { Storage } from '../storage/storage.ts';
import { InMemoryTransport, PulsarWsTransport } from '../transport/index.ts';
import type { Transport } from '../transport/transport.ts';
import type { WorkflowDefinitions } from '../workflow/definitions.ts';
import type { InfiniticWorkerOptions, ServiceOptions } from './infinitic-worker.ts';

export interface FromConfigOptions {
  /** Service name → implementation; each configured service needs one. */
  services: Record<string, object>;
  /** Run only these services (e.g. `--services A,B` for task-specific workers). Default: all. */
  only?: string[];
  /** Workflow name → implementation (or all its versions); the worker runs their engine. */
  workflows?: WorkflowDefinitions;
}

function workerError(message: string): InfiniticError {
  return new InfiniticError('INF_WORKER_CONFIG', message);
}

export function transportFromConfig(config: InfiniticConfig, clientName: string): Transport {
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
    tenant: pulsar.tenant,
    namespace: pulsar.namespace,
    clientName,
    ...(client.authentication?.token ? { token: client.authentication.token } : {}),
    ...(tls ? { tls } : {}),
    admin: {
      ...(pulsar.allowedClusters ? { allowedClusters: pulsar.allowedClusters } : {}),
      ...(pulsar.adminRoles ? { adminRoles: pulsar.adminRoles } : {}),
    },
    consumer: {
      maxRedeliverCount: consumer.maxRedeliverCount,
      ...(consumer.negativeAckRedeliveryDelaySeconds !== undefined
        ? { negativeAckRedeliveryDelayMs: consumer.negativeAckRedeliveryDelaySeconds * 1000 }
        : {}),
      ...(consumer.receiverQueueSize ? { receiverQueueSize: consumer.receiverQueueSize } : {}),
    },
  });
}

/** Chooses the services to run and their executor settings; throws located errors. */
export function servicesFromConfig(
  config: InfiniticConfig,
  options: FromConfigOptions,
): { services: Record<string, object>; serviceOptions: Record<string, ServiceOptions> } {
  const implemented = Object.keys(options.services);
  const configured = new Map(config.services.map((service, index) => [service.name, { service, index }]));
  const known = new Set([...implemented, ...configured.keys()]);
  for (const name of options.only ?? []) {
    if (!known.has(name)) {
      throw workerError(`--services: unknown service '${name}' (known: ${[...known].join(', ') || 'none'})`);
    }
  }
  const wanted = (name: string) => !options.only || options.only.includes(name);
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
  if (Object.keys(services).length === 0 && Object.keys(options.workflows ?? {}).length === 0) {
    throw workerError(
      `no service to run${options.only ? ` among --services ${options.only.join(',')}` : ''}: configure services[] with an executor and pass their implementations`,
    );
  }
  return { services, serviceOptions };
}

/** Worker options from a validated config; the worker owns (and closes) the transport and storage. */
export function workerOptionsFromConfig(
  config: InfiniticConfig,
  options: FromConfigOptions,
): InfiniticWorkerOptions {
  const name = config.name ?? `worker-${hostname()}-${process.pid}`;
  const { services, serviceOptions } = servicesFromConfig(config, options);
  const storage: Storage = config.storage ? storageFromConfig(config.storage) : new InMemoryStorage();
  const transport = transportFromConfig(config, name);
  const consumer = config.transport.pulsar?.consumer;
  const { observability, logging } = config;
  return {
    name,
    transport,
    storage,
    services,
    serviceOptions,
    ...(options.workflows ? { workflows: options.workflows } : {}),
    shutdownGracePeriodSeconds:
      config.shutdownGracePeriodSeconds ?? config.transport.shutdownGracePeriodSeconds,
    logLevel: logging.level,
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
