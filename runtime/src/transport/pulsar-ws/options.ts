/**
 * Options of the Pulsar WebSocket transport and its admin client, their defaults, and the
 * connection settings (URLs, auth header, TLS) both derive from them.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { InfiniticError } from '../../errors.ts';
import type { NamespacePolicies } from './namespace-policies.ts';

export interface PulsarTlsOptions {
  /** CA bundle (PEM) trusted for the broker's certificate. */
  trustCertsFilePath?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  certFilePath?: string;
  keyFilePath?: string;
  /** Accept any certificate (dev only). Default false. */
  allowInsecureConnection?: boolean;
  /** Check that the certificate names the host. Default true. */
  validateHostname?: boolean;
}

/** Where the broker is and how to reach it: shared by the transport and `PulsarAdmin`. */
export interface PulsarConnectionOptions {
  /** Broker (or WebSocket proxy) HTTP address, `http(s)://host:port`; the `ws(s)://` URL is derived. */
  webServiceUrl: string;
  /** JWT sent as `Authorization: Bearer <token>` on every request and socket. */
  token?: string;
  tls?: PulsarTlsOptions;
}

export interface PulsarWsTransportOptions extends PulsarConnectionOptions {
  /**
   * WebSocket API address, `ws(s)://host:port[/prefix]`, when it is not served by `webServiceUrl`
   * (a separate Pulsar WebSocket proxy). Default: derived from `webServiceUrl`.
   */
  webSocketUrl?: string;
  tenant: string;
  namespace: string;
  /** Producer and consumer name shown in broker stats. Default `infinitic-ts`. */
  clientName?: string;
  /**
   * Where the transport's warnings go (a role not allowed to provision, a socket refused after a
   * reconnect). Default: a JSON logger named `clientName`, made on the first warning.
   */
  logger?: Pick<Logger, 'warn'>;
  /** Provisioning on first use. Default: create the tenant and namespace when missing. */
  admin?: {
    createTenant?: boolean;
    createNamespace?: boolean;
    /** Default: every cluster the broker lists (`GET /admin/v2/clusters`). */
    allowedClusters?: string[];
    adminRoles?: string[];
  };
  /**
   * Infinitic's namespace policies, applied when this transport creates the namespace (an existing
   * one is left as it is); `timerTTLSeconds` goes to the `workflow-engine:*` topics it creates.
   * Default: none (the broker's defaults).
   */
  policies?: NamespacePolicies;
  /** Defaults of every subscription (each `subscribe` may override). */
  consumer?: {
    /** Messages the broker pushes ahead per consumer (max 1000). Default: concurrency + 10. */
    receiverQueueSize?: number;
    maxRedeliverCount?: number;
    negativeAckRedeliveryDelayMs?: number;
  };
  /** WebSocket ping interval; must stay under the broker's 300 s idle timeout. Default 30 000. */
  keepAliveIntervalMs?: number;
  /** Reconnect back-off after a socket drops: initialDelayMs doubling up to maxDelayMs. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How long the first connection of a socket may take before `subscribe`/`send` fail. Default 10 000. */
  connectTimeoutMs?: number;
  /** How long a send waits for its broker receipt. Default 30 000. */
  sendTimeoutMs?: number;
  /**
   * A topic's producer with no send for this long (and no receipt awaited) is closed; the next
   * send opens a new one. Keeps workers from holding a producer per client they ever answered.
   * 0 keeps producers until the transport closes. Default 60 000.
   */
  producerIdleTimeoutMs?: number;
  /**
   * Largest send frame the broker accepts (its `webSocketMaxTextFrameSize`, default 1 MiB). Payloads
   * travel base64 in JSON, so about 3/4 of it is left for the payload. A bigger frame would make the
   * broker drop the socket, so it is refused before sending. Default 1 048 576.
   */
  maxFrameBytes?: number;
}

export const WS_DEFAULTS = {
  clientName: 'infinitic-ts',
  maxRedeliverCount: 3,
  negativeAckRedeliveryDelayMs: 1000,
  keepAliveIntervalMs: 30_000,
  reconnectInitialDelayMs: 100,
  reconnectMaxDelayMs: 10_000,
  connectTimeoutMs: 10_000,
  sendTimeoutMs: 30_000,
  producerIdleTimeoutMs: 60_000,
  maxFrameBytes: 1_048_576,
  maxReceiverQueueSize: 1000,
} as const;

/** The parsed `webServiceUrl`; throws a located error when malformed. */
export function httpBase(options: PulsarConnectionOptions): URL {
  let url: URL;
  try {
    url = new URL(options.webServiceUrl);
  } catch {
    throw new InfiniticError(
      'INF_TRANSPORT_OPTIONS',
      `transport.pulsar.webServiceUrl ${JSON.stringify(options.webServiceUrl)} is not a URL (expected http(s)://host:port)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InfiniticError(
      'INF_TRANSPORT_OPTIONS',
      `transport.pulsar.webServiceUrl must start with http:// or https:// (got ${options.webServiceUrl})`,
    );
  }
  return url;
}

/** `ws(s)://host:port/prefix`: `webSocketUrl` when given, else derived from the HTTP address. */
export function wsBase(options: PulsarConnectionOptions & { webSocketUrl?: string }): string {
  const url = options.webSocketUrl ? webSocketUrl(options.webSocketUrl) : httpBase(options);
  if (!options.webSocketUrl) url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString().replace(/\/+$/, '');
}

function webSocketUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url?.protocol !== 'ws:' && url?.protocol !== 'wss:') {
    throw new InfiniticError(
      'INF_TRANSPORT_OPTIONS',
      `transport.pulsar.webSocketUrl must be a ws:// or wss:// URL (got ${JSON.stringify(text)})`,
    );
  }
  return url;
}

export function authHeaders(options: PulsarConnectionOptions): Record<string, string> {
  return options.token ? { Authorization: `Bearer ${options.token}` } : {};
}

/**
 * The role a token authenticates as, for messages: the `sub` claim of a JWT, read without
 * verifying it (the broker does that). Undefined for anything else. Never returns the token.
 */
export function tokenRole(token: string | undefined): string | undefined {
  const claims = token?.split('.')[1];
  if (!claims) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && /^[\w.@:-]{1,100}$/.test(sub) ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** TLS settings in the shape `https.request` and `ws` accept. */
export function tlsSettings(tls: PulsarTlsOptions | undefined): SecureContextOptions & {
  rejectUnauthorized?: boolean;
  checkServerIdentity?: () => undefined;
} {
  if (!tls) return {};
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new InfiniticError(
        'INF_TRANSPORT_OPTIONS',
        `cannot read TLS ${what} ${path}: ${(error as Error).message}`,
      );
    }
  };
  return {
    ...(tls.trustCertsFilePath ? { ca: read('trust certificates', tls.trustCertsFilePath) } : {}),
    ...(tls.certFilePath ? { cert: read('certificate', tls.certFilePath) } : {}),
    ...(tls.keyFilePath ? { key: read('key', tls.keyFilePath) } : {}),
    ...(tls.allowInsecureConnection ? { rejectUnauthorized: false } : {}),
    ...(tls.validateHostname === false ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** `persistent://tenant/namespace/topic` */
export function fullTopic(options: { tenant: string; namespace: string }, topic: string): string {
  return `persistent://${options.tenant}/${options.namespace}/${topic}`;
}

/** `tenant/namespace/topic` with the topic escaped for a URL path. */
export function topicPath(options: { tenant: string; namespace: string }, topic: string): string {
  return `${encodeURIComponent(options.tenant)}/${encodeURIComponent(options.namespace)}/${encodeURIComponent(topic)}`;
}
