/** The network endpoints a worker talks to (Pulsar, storage), read from a promoted config. */
import type { InfiniticConfig } from '@infinitic/runtime';

export interface Endpoint {
  /** Dotted config path of the value (`transport.pulsar.brokerServiceUrl`). */
  path: string;
  /** Host, or undefined while the value is still a `${VAR}` the pod resolves. */
  host?: string;
  /** TCP ports it may use (every candidate when the value is unresolved). */
  ports: number[];
  /** The value as loaded (a URL, a host). */
  value: string;
}

const URL_PORTS: Record<string, number> = {
  'pulsar:': 6650,
  'pulsar+ssl:': 6651,
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};

function urlEndpoint(path: string, value: string, unresolved: Set<string>, fallback: number[]): Endpoint {
  if (unresolved.has(path)) return { path, ports: fallback, value };
  try {
    const url = new URL(value);
    const port = url.port === '' ? URL_PORTS[url.protocol] : Number(url.port);
    return { path, host: url.hostname.replace(/^\[|\]$/g, ''), ports: port ? [port] : fallback, value };
  } catch {
    return { path, ports: fallback, value };
  }
}

export function pulsarEndpoints(config: InfiniticConfig, unresolved: Set<string>): Endpoint[] {
  const pulsar = config.transport.pulsar;
  if (!pulsar) return [];
  const base = 'transport.pulsar';
  const endpoints = [
    urlEndpoint(`${base}.brokerServiceUrl`, pulsar.brokerServiceUrl, unresolved, [6650, 6651]),
    urlEndpoint(`${base}.webServiceUrl`, pulsar.webServiceUrl, unresolved, [8080, 8443]),
  ];
  if (pulsar.webSocketUrl) {
    endpoints.push(urlEndpoint(`${base}.webSocketUrl`, pulsar.webSocketUrl, unresolved, [8080, 8443]));
  }
  return endpoints;
}

type Storage = NonNullable<InfiniticConfig['storage']>;

const STORAGE_PORTS = { redis: 6379, postgres: 5432, mysql: 3306 } as const;

/** Every storage the config uses: top level and services' tag engines, with its dotted path. */
export function storagesOf(config: InfiniticConfig): { path: string; storage: Storage }[] {
  const found: { path: string; storage: Storage }[] = [];
  if (config.storage) found.push({ path: 'storage', storage: config.storage });
  config.services.forEach((service, i) => {
    const storage = service.tagEngine?.storage;
    if (storage) found.push({ path: `services[${i}].tagEngine.storage`, storage });
  });
  // A workflow engine has no storage of its own here: validation refuses one (clients share the top-level store).
  return found;
}

export function storageEndpoints(config: InfiniticConfig, unresolved: Set<string>): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const { path, storage } of storagesOf(config)) {
    for (const kind of ['redis', 'postgres', 'mysql'] as const) {
      const backend = storage[kind];
      if (!backend) continue;
      const at = `${path}.${kind}`;
      const port = unresolved.has(`${at}.port`) ? STORAGE_PORTS[kind] : backend.port;
      const host = unresolved.has(`${at}.host`) ? undefined : backend.host;
      endpoints.push({ path: `${at}.host`, ...(host ? { host } : {}), ports: [port], value: backend.host });
    }
  }
  return endpoints;
}
