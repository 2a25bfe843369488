/**
 * `transport.pulsar.policies` on the real broker: a namespace the transport creates gets them, an
 * existing one is left as it is, `workflow-engine:*` topics (which carry timers) get the timer TTL,
 * and the conformance suite passes in a namespace with Infinitic's own defaults, auto topic
 * creation off included (the transport then creates each topic before producing to it).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireService, services, uniqueName } from '../../test/support/services.ts';
import { defaultPulsarPolicies, parseConfig } from '../src/config/index.ts';
import type { NamespacePolicies } from '../src/transport/pulsar-ws/namespace-policies.ts';
import { PulsarAdmin } from '../src/transport/pulsar-ws/pulsar-admin.ts';
import { PulsarWsTransport } from '../src/transport/pulsar-ws/pulsar-ws-transport.ts';
import { transportFromConfig } from '../src/worker/worker-from-config.ts';
import { transportConformance } from './transport-conformance.ts';
import { Collector, text } from './transport-support.ts';

const admin = new PulsarAdmin({ webServiceUrl: services.pulsarAdminUrl });
const tenant = uniqueName('pol');
const namespaces = new Set<string>();

/** Infinitic's defaults, as the config schema fills them in, auto topic creation off as in Infinitic. */
const INFINITIC_POLICIES: NamespacePolicies = {
  ...defaultPulsarPolicies(),
  allowAutoTopicCreation: false,
};

function transport(namespace: string, policies?: NamespacePolicies): PulsarWsTransport {
  namespaces.add(namespace);
  return new PulsarWsTransport({
    webServiceUrl: services.pulsarAdminUrl,
    tenant,
    namespace,
    clientName: 'policies',
    ...(policies ? { policies } : {}),
  });
}

async function namespacePolicies(namespace: string): Promise<Record<string, unknown>> {
  return (await admin.call('GET', `/namespaces/${tenant}/${namespace}`)).body as Record<string, unknown>;
}

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, () => admin.clusters());
});

after(async () => {
  for (const namespace of namespaces) {
    for (const full of await admin.listTopics(tenant, namespace).catch(() => [])) {
      await admin.deleteTopic(tenant, namespace, full.slice(full.lastIndexOf('/') + 1));
    }
    await admin.deleteNamespace(tenant, namespace);
  }
  await admin.deleteTenant(tenant);
});

test("the config defaults reach the transport: Infinitic's policies, auto topic creation on", () => {
  const config = parseConfig({
    transport: {
      pulsar: {
        brokerServiceUrl: 'pulsar://localhost:6650',
        webServiceUrl: 'http://localhost:8080',
        tenant: 'acme',
        namespace: 'prod',
        policies: { retentionTimeMinutes: -1, deduplicationEnabled: false },
      },
    },
  });
  const { options } = transportFromConfig(config, 'w') as PulsarWsTransport;
  assert.deepEqual(options.policies, {
    retentionTimeMinutes: -1,
    retentionSizeMB: 1024,
    messageTTLSeconds: 1209600,
    timerTTLSeconds: 31622400,
    delayedDeliveryTickTimeMillis: 1000,
    maxDeliveryDelayInMillis: 0,
    schemaCompatibilityStrategy: 'BACKWARD_TRANSITIVE',
    allowAutoTopicCreation: true,
    schemaValidationEnforced: true,
    isAllowAutoUpdateSchema: true,
    deduplicationEnabled: false,
  });
});

test('a namespace the transport creates gets the policies; an existing one is left as it is', async () => {
  const policies: NamespacePolicies = {
    ...INFINITIC_POLICIES,
    retentionTimeMinutes: 90,
    retentionSizeMB: -1,
    messageTTLSeconds: 3600,
    delayedDeliveryTickTimeMillis: 250,
    maxDeliveryDelayInMillis: 86_400_000,
    schemaCompatibilityStrategy: 'FULL',
    deduplicationEnabled: true,
  };
  const created = transport('created', policies);
  await created.provision();
  await created.close(0);
  const got = await namespacePolicies('created');
  assert.deepEqual(
    {
      retention: got.retention_policies,
      ttl: got.message_ttl_in_seconds,
      delayed: got.delayed_delivery_policies,
      compatibility: got.schema_compatibility_strategy,
      autoTopicCreation: got.autoTopicCreationOverride,
      validation: got.schema_validation_enforced,
      autoUpdate: got.is_allow_auto_update_schema,
      dedup: got.deduplicationEnabled,
    },
    {
      retention: { retentionTimeInMinutes: 90, retentionSizeInMB: -1 },
      ttl: 3600,
      delayed: undefined, // not applied: it made the broker deliver delayed messages at once
      compatibility: 'FULL',
      autoTopicCreation: { allowAutoTopicCreation: false, topicType: 'non-partitioned' },
      validation: true,
      autoUpdate: true,
      dedup: true,
    },
  );

  namespaces.add('existing');
  await admin.createNamespace(tenant, 'existing');
  const before = await namespacePolicies('existing');
  const late = transport('existing', policies);
  await late.provision();
  await late.close(0);
  assert.deepEqual(await namespacePolicies('existing'), before);
  assert.equal(before.message_ttl_in_seconds, undefined);
});

test('workflow-engine topics get the timer TTL unless they have one; other topics keep the namespace TTL', async () => {
  const t = transport('timers', { messageTTLSeconds: 600, timerTTLSeconds: 7200 });
  try {
    await admin.createNamespace(tenant, 'timers').catch(() => {}); // created by provision() below otherwise
    await t.provision();
    await admin.createTopic(tenant, 'timers', 'workflow-engine:Preset');
    await admin.setTopicMessageTtl(tenant, 'timers', 'workflow-engine:Preset', 60);
    const topics = [
      'workflow-engine:Timed',
      'workflow-engine:Timed-sub-DLQ',
      'workflow-engine:Preset',
      'task-executor:Plain',
    ];
    for (const topic of topics) {
      await t.ensureSubscription(topic, 'sub');
    }
    assert.equal(await admin.topicMessageTtl(tenant, 'timers', 'workflow-engine:Timed'), 7200);
    assert.equal(await admin.topicMessageTtl(tenant, 'timers', 'workflow-engine:Preset'), 60, 'kept');
    assert.equal(await admin.topicMessageTtl(tenant, 'timers', 'task-executor:Plain'), undefined);
    assert.equal(
      await admin.topicMessageTtl(tenant, 'timers', 'workflow-engine:Timed-sub-DLQ'),
      undefined,
      'dead letters are not timers',
    );
  } finally {
    await t.close(0);
  }
});

test('without auto topic creation, a send before any consumer creates its topic and the message waits for one', async () => {
  const t = transport('strict', { ...INFINITIC_POLICIES, retentionTimeMinutes: 60, retentionSizeMB: 10 });
  try {
    await t.send('task-executor:Early', { payload: text('first') });
    assert.equal(
      ((await namespacePolicies('strict')).autoTopicCreationOverride as { allowAutoTopicCreation: boolean })
        .allowAutoTopicCreation,
      false,
    );
    assert.notEqual(await admin.topicStats(tenant, 'strict', 'task-executor:Early'), undefined);
    const got = new Collector();
    await t.subscribe({ topic: 'task-executor:Early', subscription: 'late', type: 'Shared' }, got.handler());
    await got.until(1);
    assert.deepEqual(got.texts(), ['first'], 'retention kept it until the subscription came');
  } finally {
    await t.close(0);
  }
});

transportConformance(
  "pulsar-ws in a namespace with Infinitic's policies (no auto topic creation)",
  async () => transport('conformance', INFINITIC_POLICIES),
);
