/**
 * pulsar/provision.sh run for real with the Pulsar distribution's bin/pulsar-admin against the test
 * broker (no authentication), in a fresh tenant: created with the config's namespace policies and
 * the timer TTL on the workflow-engine topic, then found on a second run (idempotent, policies left
 * as they are), and a real refusal stops it. Each pulsar-admin call starts a JVM (~2-3 s here), so
 * the project keeps one workflow: tenant, namespace, its 8 policies, grant, then the workflow-engine
 * topic, its TTL, subscription, DLQ topic and DLQ subscription (16 calls, then 7 on the second run);
 * provision-script.test.ts checks the steps of larger projects.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { scaledTimeout } from '../support/processes.ts';
import { requireService, services, uniqueName } from '../support/services.ts';
import { appFixture, copyFixture, type Patch, patchYaml } from './helpers.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const cache = process.env.INFINITIC_CACHE ?? join(homedir(), '.cache', 'create-infinitic-app');
const PULSAR_ADMIN = join(cache, 'pulsar', 'apache-pulsar-4.0.8', 'bin', 'pulsar-admin');
const tenant = uniqueName('provision');
const namespace = 'production';
const role = `${tenant}-worker`;
const TOPIC = 'workflow-engine:OrderWorkflow';
const SUBSCRIPTION = 'workflow-engine-subscription';
const DLQ = `${TOPIC}-${SUBSCRIPTION}-DLQ`;
const NS = `${tenant}/${namespace}`;

/** The config's policies: a few differ from the schema's defaults, to show they come from the config. */
const POLICIES = {
  retentionTimeMinutes: 60,
  retentionSizeMB: -1,
  messageTTLSeconds: 7200,
  timerTTLSeconds: 86400,
  delayedDeliveryTickTimeMillis: 2000,
  maxDeliveryDelayInMillis: 60000,
  schemaCompatibilityStrategy: 'FULL',
  allowAutoTopicCreation: false,
  isAllowAutoUpdateSchema: false,
  deduplicationEnabled: false,
};

/**
 * A REST call on the test broker. Retried once when the broker closed the pooled connection fetch
 * was reusing ("other side closed", seen once in CI); every call here may run twice.
 */
async function admin(path: string, init?: RequestInit): Promise<Response> {
  const url = `${services.pulsarAdminUrl}/admin/v2${path}`;
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return await fetch(url, init);
  }
}
const topicPath = (topic: string) => `/persistent/${NS}/${encodeURIComponent(topic)}`;

/** The namespace's policies as the broker reports them, those the script sets. */
async function namespacePolicies() {
  const policies = (await (await admin(`/namespaces/${NS}`)).json()) as Record<string, unknown>;
  const keys = [
    'retention_policies',
    'message_ttl_in_seconds',
    'deduplicationEnabled',
    'autoTopicCreationOverride',
    'schema_compatibility_strategy',
    'schema_validation_enforced',
    'is_allow_auto_update_schema',
    'delayed_delivery_policies',
  ];
  return Object.fromEntries(keys.map((key) => [key, policies[key]]));
}

/** The topic-level message TTL: the seconds, or the body of a topic without one (empty). */
const topicTTL = async (topic: string) => (await admin(`${topicPath(topic)}/messageTTL`)).text();

/** The script promote writes for the sample project reduced to one workflow (OrderWorkflow), in `tenant`. */
function script(patch: Patch = {}): string {
  using copy = copyFixture(appFixture);
  patchYaml(join(copy.dir, 'config', 'base.yml'), { remove: ['services'] });
  patchYaml(join(copy.dir, 'config', 'production.yml'), {
    remove: ['deployment.workerGroups', ...(patch.remove ?? [])],
    set: [
      ['transport.pulsar.tenant', tenant],
      ...Object.entries(POLICIES).map(([key, value]): [string, unknown] => [
        `transport.pulsar.policies.${key}`,
        value,
      ]),
      ...(patch.set ?? []),
    ],
  });
  const project = loadProject({ env: 'production', dir: copy.dir, variables: {} });
  const file = generateFiles(project, 'all', join(copy.dir, 'deploy')).find(
    (f) => f.path === 'pulsar/provision.sh',
  );
  assert.ok(file);
  assert.deepEqual(file.content.match(/^create_topic .*$/gm), [
    `create_topic ${TOPIC}`,
    `create_topic ${DLQ}`,
  ]);
  return file.content;
}

function provision(content: string) {
  // Niced: each pulsar-admin JVM start takes ~2.5 s of CPU, which the tests running beside it need.
  const result = spawnSync('nice', ['-n', '10', 'sh', '-c', content], {
    encoding: 'utf8',
    timeout: scaledTimeout(150_000), // ~15 pulsar-admin JVM starts, niced: slower when CPUs are busy
    env: {
      ...process.env,
      PULSAR_ADMIN_URL: services.pulsarAdminUrl,
      WORKER_ROLE: role,
      PULSAR_ADMIN_BIN: PULSAR_ADMIN,
      // A short-lived CLI: the quick JIT tier starts it ~20% faster.
      PULSAR_EXTRA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    },
  });
  assert.equal(result.error, undefined);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  await requireService('Pulsar', services.pulsarAdminUrl, async () => {
    assert.equal(await (await admin('/brokers/health')).text(), 'ok');
  });
  assert.ok(existsSync(PULSAR_ADMIN), `${PULSAR_ADMIN} is missing: provision it with scripts/test-env`);
});

after(async () => {
  // The test broker refuses ?force=true on namespaces and tenants (405): topics first.
  for (const topic of [DLQ, TOPIC]) await admin(`${topicPath(topic)}?force=true`, { method: 'DELETE' });
  await admin(`/namespaces/${NS}`, { method: 'DELETE' });
  await admin(`/tenants/${tenant}`, { method: 'DELETE' });
  await admin(`/tenants/${tenant}-x`, { method: 'DELETE' }); // only if the refusal test failed
});

describe('pulsar/provision.sh against the test broker', () => {
  it("creates the tenant, the namespace with the config's policies, the grant, the topics (the timer TTL on workflow-engine); a second run finds them and changes nothing", async () => {
    const content = script();
    const first = provision(content);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.stdout.split('\n'), [
      `done:   tenant ${tenant}`,
      `done:   namespace ${NS}`,
      `done:   retention 60 min / unlimited size on ${NS}`,
      `done:   message TTL 7200 s on ${NS}`,
      `done:   deduplication disabled on ${NS}`,
      `done:   auto topic creation disabled on ${NS}`,
      `done:   schema compatibility FULL on ${NS}`,
      `done:   schema validation enforced on ${NS}`,
      `done:   schema auto update not allowed on ${NS}`,
      `done:   produce,consume on ${NS} for role ${role}`,
      `done:   topic ${TOPIC}`,
      `done:   message TTL 86400 s on topic ${TOPIC}`,
      `done:   subscription ${SUBSCRIPTION} on ${TOPIC}`,
      `done:   topic ${DLQ}`,
      `done:   subscription ${SUBSCRIPTION}-dlq on ${DLQ}`,
      `Pulsar provisioned for orders-worker (production) in ${NS}`,
      '',
    ]);
    assert.equal((await admin(`/tenants/${tenant}`)).status, 200);
    const namespaces = await (await admin(`/namespaces/${tenant}`)).json();
    assert.deepEqual(namespaces, [NS]);
    assert.deepEqual(await namespacePolicies(), {
      retention_policies: { retentionTimeInMinutes: 60, retentionSizeInMB: -1 },
      message_ttl_in_seconds: 7200,
      deduplicationEnabled: false,
      autoTopicCreationOverride: { allowAutoTopicCreation: false, topicType: 'non-partitioned' },
      schema_compatibility_strategy: 'FULL',
      schema_validation_enforced: true,
      is_allow_auto_update_schema: false,
      delayed_delivery_policies: undefined, // left to the broker: see namespace-policies.ts
    });
    // The timer TTL on the workflow-engine topic only, not on its dead-letter topic.
    assert.equal(await topicTTL(TOPIC), '86400');
    assert.equal(await topicTTL(DLQ), '');
    // The broker keeps a role's actions as a set: their order varies.
    const permissions = (await (await admin(`/namespaces/${NS}/permissions`)).json()) as Record<
      string,
      string[]
    >;
    assert.deepEqual(Object.keys(permissions), [role]);
    assert.deepEqual(permissions[role]?.toSorted(), ['consume', 'produce']);
    const subscriptions = async (topic: string) => (await admin(`${topicPath(topic)}/subscriptions`)).json();
    assert.deepEqual(await subscriptions(TOPIC), [SUBSCRIPTION]);
    assert.deepEqual(await subscriptions(DLQ), [`${SUBSCRIPTION}-dlq`]);

    // An operator changes a policy; the second run finds the namespace and leaves it as it is.
    const changed = await admin(`/namespaces/${NS}/messageTTL`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '1234',
    });
    assert.equal(changed.status, 204);
    const second = provision(content);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.stdout.split('\n'), [
      `exists: tenant ${tenant}`,
      `exists: namespace ${NS}`,
      `done:   produce,consume on ${NS} for role ${role}`,
      `exists: topic ${TOPIC}`,
      `exists: subscription ${SUBSCRIPTION} on ${TOPIC}`,
      `exists: topic ${DLQ}`,
      `exists: subscription ${SUBSCRIPTION}-dlq on ${DLQ}`,
      `Pulsar provisioned for orders-worker (production) in ${NS}`,
      '',
    ]);
    assert.equal((await namespacePolicies()).message_ttl_in_seconds, 1234);
    assert.equal(await topicTTL(TOPIC), '86400');
  });

  it('stops at a refused step with what pulsar-admin said (exit 1, nothing after it)', () => {
    const refused = provision(
      script({
        set: [
          ['transport.pulsar.tenant', `${tenant}-x`],
          ['transport.pulsar.allowedClusters', ['no-such-cluster']],
        ],
      }),
    );
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, new RegExp(`^failed: tenant ${tenant}-x\\n`));
    assert.match(refused.stderr, /Reason: Clusters do not exist/);
  });
});
