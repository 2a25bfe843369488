/**
 * Backlog of a subscription (messages not yet acknowledged), for the `/metrics` gauge. The
 * transport contract has no backlog call, so this uses what implementations offer: the in-memory
 * transport's `backlog(topic, subscription)`, or the Pulsar admin API's precise backlog.
 */
import type { Transport } from '../transport/transport.ts';

export type BacklogProbe = (topic: string, subscription: string) => Promise<number | undefined>;

interface WithBacklog {
  backlog(topic: string, subscription: string): number | Promise<number>;
}

interface WithAdmin {
  options: { tenant: string; namespace: string };
  admin: {
    topicStats(
      tenant: string,
      namespace: string,
      topic: string,
    ): Promise<{ subscriptions: Record<string, { msgBacklog: number }> } | undefined>;
  };
}

/** A probe for `transport`, or undefined when it cannot tell its backlog. */
export function backlogProbe(transport: Transport): BacklogProbe | undefined {
  const candidate = transport as unknown as Partial<WithBacklog & WithAdmin>;
  if (typeof candidate.backlog === 'function') {
    const backlog = candidate.backlog.bind(transport);
    return async (topic, subscription) => backlog(topic, subscription);
  }
  const { admin, options } = candidate;
  if (admin && typeof admin.topicStats === 'function' && options?.tenant && options.namespace) {
    return async (topic, subscription) =>
      (await admin.topicStats(options.tenant, options.namespace, topic))?.subscriptions[subscription]
        ?.msgBacklog;
  }
  return undefined;
}
