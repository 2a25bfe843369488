/**
 * pulsar/provision.sh run for real with the Pulsar distribution's bin/pulsar-admin against the test
 * broker (no authentication), in a fresh tenant: created, then found on a second run (idempotent),
 * and a real refusal stops it. Each pulsar-admin call starts a JVM (~2-3 s here), so the project
 * keeps one service: tenant, namespace, grant, then its topic, subscription, DLQ topic and DLQ
 * subscription (7 calls); provision-script.test.ts checks the steps of larger projects.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { requireService, services, uniqueName } from '../support/services.ts';
import { appFixture, copyFixture, type Patch, patchYaml } from './helpers.ts';

const cache = process.env.INFINITIC_CACHE ?? join(homedir(), '.cache', 'create-infinitic-app');
const PULSAR_ADMIN = join(cache, 'pulsar', 'apache-pulsar-4.0.8', 'bin', 'pulsar-admin');
const tenant = uniqueName('provision');
const namespace = 'production';
const role = `${tenant}-worker`;
const TOPIC = 'task-executor:ImageResizer';
const DLQ = `${TOPIC}-task-executor-subscription-DLQ`;

const admin = (path: string, init?: RequestInit) => fetch(`${services.pulsarAdminUrl}/admin/v2${path}`, init);

/** The script promote writes for the sample project reduced to one service (ImageResizer), in `tenant`. */
function script(patch: Patch = {}): string {
  using copy = copyFixture(appFixture);
  patchYaml(join(copy.dir, 'config', 'base.yml'), { remove: ['services.2', 'services.1', 'workflows'] });
  patchYaml(join(copy.dir, 'config', 'production.yml'), {
    remove: ['deployment.workerGroups', ...(patch.remove ?? [])],
    set: [['transport.pulsar.tenant', tenant], ...(patch.set ?? [])],
  });
  const project = loadProject({ env: 'production', dir: copy.dir, variables: {} });
  const file = generateFiles(project, 'all', join(copy.dir, 'deploy')).find(
    (f) => f.path === 'pulsar/provision.sh',
  );
  assert.ok(file);
  assert.deepEqual(file.content.match(/^create_topic .*$/gm), [
    'create_topic task-executor:ImageResizer',
    `create_topic ${DLQ}`,
  ]);
  return file.content;
}

function provision(content: string) {
  const result = spawnSync('sh', ['-c', content], {
    encoding: 'utf8',
    timeout: 60_000,
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
  for (const topic of [DLQ, TOPIC])
    await admin(`/persistent/${tenant}/${namespace}/${encodeURIComponent(topic)}?force=true`, {
      method: 'DELETE',
    });
  await admin(`/namespaces/${tenant}/${namespace}`, { method: 'DELETE' });
  await admin(`/tenants/${tenant}`, { method: 'DELETE' });
  await admin(`/tenants/${tenant}-x`, { method: 'DELETE' }); // only if the refusal test failed
});

describe('pulsar/provision.sh against the test broker', () => {
  it('creates the tenant, namespace and grant; a second run finds them and succeeds', async () => {
    const content = script();
    const first = provision(content);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.stdout.split('\n').slice(0, 3), [
      `done:   tenant ${tenant}`,
      `done:   namespace ${tenant}/${namespace}`,
      `done:   produce,consume on ${tenant}/${namespace} for role ${role}`,
    ]);
    assert.equal((await admin(`/tenants/${tenant}`)).status, 200);
    const namespaces = await (await admin(`/namespaces/${tenant}`)).json();
    assert.deepEqual(namespaces, [`${tenant}/${namespace}`]);
    // The broker keeps a role's actions as a set: their order varies.
    const permissions = (await (
      await admin(`/namespaces/${tenant}/${namespace}/permissions`)
    ).json()) as Record<string, string[]>;
    assert.deepEqual(Object.keys(permissions), [role]);
    assert.deepEqual(permissions[role]?.toSorted(), ['consume', 'produce']);
    const subscriptions = async (topic: string) =>
      (await admin(`/persistent/${tenant}/${namespace}/${encodeURIComponent(topic)}/subscriptions`)).json();
    assert.deepEqual(await subscriptions(TOPIC), ['task-executor-subscription']);
    assert.deepEqual(await subscriptions(DLQ), ['task-executor-subscription-dlq']);
    assert.equal(first.stdout.match(/^done: /gm)?.length, 7, first.stdout);

    const second = provision(content);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.stdout.split('\n').slice(0, 3), [
      `exists: tenant ${tenant}`,
      `exists: namespace ${tenant}/${namespace}`,
      `done:   produce,consume on ${tenant}/${namespace} for role ${role}`,
    ]);
    assert.equal(second.stdout.match(/^exists: /gm)?.length, 6, second.stdout);
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
