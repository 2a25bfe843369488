/**
 * The Pulsar admin calls the dev stack needs, through the runtime's PulsarAdmin client (the one the
 * transport provisions with): create the project's tenant and namespace, and read per-topic
 * backlog and consumers for `dev status`.
 */
import { PulsarAdmin } from '@infinitic/runtime';
import { STACK_CODES, StackError } from './errors.ts';

/** Creates the tenant (allowed on every cluster of the broker) and namespace when missing. */
export async function provisionNamespace(adminUrl: string, tenant: string, namespace: string): Promise<void> {
  const admin = new PulsarAdmin({ webServiceUrl: adminUrl });
  try {
    await admin.createTenant(tenant);
    await admin.createNamespace(tenant, namespace);
  } catch (error) {
    throw new StackError(
      STACK_CODES.provision,
      `provisioning ${tenant}/${namespace} on ${adminUrl} failed: ${(error as Error).message}`,
    );
  }
}

export interface TopicStats {
  topic: string;
  subscriptions: { name: string; backlog: number; consumers: number }[];
}

/** Backlog and consumers of every subscription of every topic in the namespace ([] if it is missing). */
export async function namespaceTopicStats(
  adminUrl: string,
  tenant: string,
  namespace: string,
): Promise<TopicStats[]> {
  const admin = new PulsarAdmin({ webServiceUrl: adminUrl });
  if (!(await admin.namespaceExists(tenant, namespace))) return [];
  const byTopic = new Map<string, TopicStats>();
  for (const row of await admin.subscriptionsOverview(tenant, namespace)) {
    const topic = `persistent://${tenant}/${namespace}/${row.topic}`;
    const entry = byTopic.get(topic) ?? { topic, subscriptions: [] };
    entry.subscriptions.push({ name: row.subscription, backlog: row.backlog, consumers: row.consumers });
    byTopic.set(topic, entry);
  }
  // topics without subscriptions still show up
  for (const topic of await admin.listTopics(tenant, namespace)) {
    if (!byTopic.has(topic)) byTopic.set(topic, { topic, subscriptions: [] });
  }
  return [...byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}
