/**
 * A small client of Pulsar's admin REST API (`/admin/v2`): what the transport provisions
 * (tenant, namespace, topics, earliest-position subscriptions) and what dev tooling reads
 * (topic stats with backlog and consumers). `infinitic dev status` reuses it.
 */

import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfiniticError } from '../../errors.ts';
import { authHeaders, httpBase, type PulsarConnectionOptions, tlsSettings } from './options.ts';

export interface AdminResponse {
  status: number;
  body: unknown;
}

export interface SubscriptionStats {
  type?: string;
  msgBacklog: number;
  unackedMessages?: number;
  msgRateRedeliver?: number;
  consumers: Array<{ consumerName?: string; availablePermits?: number; unackedMessages?: number }>;
}

export interface TopicStats {
  msgRateIn: number;
  msgRateOut: number;
  msgInCounter?: number;
  backlogSize?: number;
  storageSize?: number;
  publishers: Array<{ producerName?: string }>;
  subscriptions: Record<string, SubscriptionStats>;
}

const OK_IF_EXISTS = [409];

const HINTS = {
  authentication: ' (authentication refused: check transport.pulsar.client.authentication.token)',
  authorization: " (not authorized: check the token's role and its permissions on the tenant and namespace)",
};

/**
 * Why the broker refused a call, if it did. Pulsar answers 403 to most calls a role may not make,
 * but 401 to some (tenant reads, namespace and subscription creation) with a reason
 * "Unauthorized to validate…": those are an authenticated role without the permission, not a bad
 * token. A refused token is a 401 from the authentication filter ("Authentication required").
 */
function refusal(status: number, reason: string): 'authentication' | 'authorization' | undefined {
  if (status === 403) return 'authorization';
  if (status === 401) return /^Unauthorized to /.test(reason) ? 'authorization' : 'authentication';
  return undefined;
}

/** A call the broker answered outside 2xx: the status, the broker's reason, and whether the role was refused. */
export class PulsarAdminError extends InfiniticError {
  readonly status: number;
  readonly reason: string;
  readonly refused: 'authentication' | 'authorization' | undefined;
  constructor(message: string, status: number, reason: string) {
    super('INF_PULSAR_ADMIN', message);
    this.status = status;
    this.reason = reason;
    this.refused = refusal(status, reason);
  }
}

/** True when `error` is the broker refusing the token's role a permission (403, or 401 "Unauthorized to …"). */
export function isRoleRefusal(error: unknown): error is PulsarAdminError {
  return error instanceof PulsarAdminError && error.refused === 'authorization';
}

/**
 * The broker's reason, on one line: Pulsar answers `{"reason": …}` from its REST handlers and
 * Jetty's `{"message": …}` from its filters (a refused token); anything else is shown shortened.
 */
function brokerReason(body: unknown): string {
  const fields = typeof body === 'object' && body ? (body as Record<string, unknown>) : undefined;
  const text =
    fields && typeof fields.reason === 'string'
      ? fields.reason
      : fields && typeof fields.message === 'string'
        ? fields.message
        : typeof body === 'string'
          ? body
          : body === undefined
            ? ''
            : JSON.stringify(body);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export class PulsarAdmin {
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #tls: ReturnType<typeof tlsSettings>;
  readonly #timeoutMs: number;

  constructor(options: PulsarConnectionOptions & { timeoutMs?: number }) {
    this.#base = httpBase(options);
    this.#headers = authHeaders(options);
    this.#tls = tlsSettings(options.tls);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Raw request under `/admin/v2`; resolves with any status, rejects only when the broker is unreachable. */
  request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    return this.#send(method, path, body, true);
  }

  /**
   * One HTTP exchange. A kept-alive socket the broker closed just as it was reused fails with
   * ECONNRESET before the request was read: sent once more on a new socket (Node's documented
   * pattern for `reusedSocket`). The admin calls are idempotent: a repeated create answers 409, a
   * repeated delete 404, a repeated set or read the same.
   */
  #send(method: string, path: string, body: unknown, mayRetry: boolean): Promise<AdminResponse> {
    const url = new URL(`${this.#base.pathname.replace(/\/+$/, '')}/admin/v2${path}`, this.#base.origin);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          headers: {
            ...this.#headers,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          timeout: this.#timeoutMs,
          ...this.#tls,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {}
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (error) => {
        if (mayRetry && req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
          resolve(this.#send(method, path, body, false));
          return;
        }
        reject(
          new InfiniticError(
            'INF_PULSAR_ADMIN',
            `cannot reach Pulsar admin at ${this.#base.origin} (${method} ${path}): ${error.message}`,
            { cause: error },
          ),
        );
      });
      req.end(payload);
    });
  }

  /** Like `request`, but a status outside 2xx (and `accept`) is an error naming the call and the broker's reason. */
  async call(method: string, path: string, body?: unknown, accept: number[] = []): Promise<AdminResponse> {
    return this.#checked(method, path, await this.request(method, path, body), accept);
  }

  #checked(method: string, path: string, res: AdminResponse, accept: number[]): AdminResponse {
    if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) return res;
    const reason = brokerReason(res.body);
    const refused = refusal(res.status, reason);
    throw new PulsarAdminError(
      `Pulsar admin ${method} /admin/v2${path} at ${this.#base.origin} failed with ${res.status}${reason ? `: ${reason}` : ''}${refused ? HINTS[refused] : ''}`,
      res.status,
      reason,
    );
  }

  async clusters(): Promise<string[]> {
    return (await this.call('GET', '/clusters')).body as string[];
  }

  // Only 404 means missing: a refused token or role (401, 403) is an error, not "create it".
  async tenantExists(tenant: string): Promise<boolean> {
    return (await this.call('GET', `/tenants/${enc(tenant)}`, undefined, [404])).status !== 404;
  }

  async namespaceExists(tenant: string, namespace: string): Promise<boolean> {
    const res = await this.call('GET', `/namespaces/${enc(tenant)}/${enc(namespace)}`, undefined, [404]);
    return res.status !== 404;
  }

  /** Creates the tenant if missing; allowed clusters default to every cluster of the broker. */
  async createTenant(tenant: string, opts: { allowedClusters?: string[]; adminRoles?: string[] } = {}) {
    const allowedClusters = opts.allowedClusters ?? (await this.clusters());
    await this.call(
      'PUT',
      `/tenants/${enc(tenant)}`,
      { allowedClusters, adminRoles: opts.adminRoles ?? [] },
      OK_IF_EXISTS,
    );
  }

  async createNamespace(
    tenant: string,
    namespace: string,
    policies?: Record<string, unknown>,
  ): Promise<void> {
    await this.call('PUT', `/namespaces/${enc(tenant)}/${enc(namespace)}`, policies, OK_IF_EXISTS);
  }

  async listTopics(tenant: string, namespace: string): Promise<string[]> {
    return (await this.call('GET', `/persistent/${enc(tenant)}/${enc(namespace)}`)).body as string[];
  }

  /** Creates a non-partitioned persistent topic if missing. */
  async createTopic(tenant: string, namespace: string, topic: string): Promise<void> {
    await this.call('PUT', `/persistent/${path(tenant, namespace, topic)}`, undefined, OK_IF_EXISTS);
  }

  /** The topic's own message TTL in seconds; undefined when it has none (the namespace's applies). */
  async topicMessageTtl(tenant: string, namespace: string, topic: string): Promise<number | undefined> {
    const res = await this.call('GET', `/persistent/${path(tenant, namespace, topic)}/messageTTL`);
    return typeof res.body === 'number' ? res.body : undefined;
  }

  async setTopicMessageTtl(tenant: string, namespace: string, topic: string, seconds: number): Promise<void> {
    await this.call('POST', `/persistent/${path(tenant, namespace, topic)}/messageTTL?messageTTL=${seconds}`);
  }

  /** Creates a durable subscription at the earliest position if missing (so it sees every message kept). */
  async createSubscription(tenant: string, namespace: string, topic: string, subscription: string) {
    // Several workers starting at once race to create the same subscription: the losers may get
    // 412 "Failed to fence subscription" while the winner's creation is in progress. Retry those,
    // not 412 "Topic does not exist and cannot be auto-created" (a namespace without auto topic
    // creation), which stays so.
    const url = `/persistent/${path(tenant, namespace, topic)}/subscription/${enc(subscription)}`;
    for (let attempt = 0; ; attempt++) {
      const res = await this.request('PUT', url, { ledgerId: -1, entryId: -1 });
      const fenced = res.status === 412 && !/does not exist/i.test(brokerReason(res.body));
      if (!fenced || attempt >= 5) {
        this.#checked('PUT', url, res, OK_IF_EXISTS);
        return;
      }
      await sleep(50 * 2 ** attempt);
    }
  }

  /** Stats with precise backlog; undefined when the topic does not exist. */
  async topicStats(tenant: string, namespace: string, topic: string): Promise<TopicStats | undefined> {
    const res = await this.call(
      'GET',
      `/persistent/${path(tenant, namespace, topic)}/stats?getPreciseBacklog=true`,
      undefined,
      [404],
    );
    return res.status === 404 ? undefined : (res.body as TopicStats);
  }

  /** One row per subscription of every topic in the namespace: the shape InMemoryTransport.stats() returns. */
  async subscriptionsOverview(
    tenant: string,
    namespace: string,
  ): Promise<Array<{ topic: string; subscription: string; backlog: number; consumers: number }>> {
    const rows = [];
    for (const full of await this.listTopics(tenant, namespace)) {
      const topic = full.slice(full.lastIndexOf('/') + 1);
      const stats = await this.topicStats(tenant, namespace, topic);
      for (const [subscription, sub] of Object.entries(stats?.subscriptions ?? {})) {
        rows.push({ topic, subscription, backlog: sub.msgBacklog, consumers: sub.consumers.length });
      }
    }
    return rows.sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.subscription.localeCompare(b.subscription),
    );
  }

  async deleteTopic(tenant: string, namespace: string, topic: string): Promise<void> {
    await this.call('DELETE', `/persistent/${path(tenant, namespace, topic)}?force=true`, undefined, [404]);
  }

  /** Deletes every topic of the namespace, then the namespace (works without forceDeleteNamespaceAllowed). */
  async deleteNamespace(tenant: string, namespace: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const listed = await this.request('GET', `/persistent/${enc(tenant)}/${enc(namespace)}`);
      if (listed.status === 404) return;
      for (const full of (listed.body as string[]) ?? []) {
        await this.deleteTopic(tenant, namespace, full.slice(full.lastIndexOf('/') + 1));
      }
      const res = await this.request('DELETE', `/namespaces/${enc(tenant)}/${enc(namespace)}`);
      if (res.status < 300 || res.status === 404) return;
      // Topics re-created by a lingering producer or the DLQ: list and delete again, a few times.
      if (attempt >= 4) await this.call('DELETE', `/namespaces/${enc(tenant)}/${enc(namespace)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async deleteTenant(tenant: string): Promise<void> {
    await this.call('DELETE', `/tenants/${enc(tenant)}`, undefined, [404]);
  }
}

const enc = encodeURIComponent;
const path = (tenant: string, namespace: string, topic: string) =>
  `${enc(tenant)}/${enc(namespace)}/${enc(topic)}`;
