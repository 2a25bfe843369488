/**
 * pulsar/provision.sh authenticating with an admin token, run for real: the Pulsar distribution's
 * bin/pulsar-admin against a private broker with token authentication and authorization (superuser
 * `admin`, runtime/test/fixtures/pulsar-authz.ts). The token comes from PULSAR_ADMIN_TOKEN_FILE, or
 * from PULSAR_ADMIN_TOKEN, each run in its own tenant; a role that is not a superuser is refused at
 * the tenant step unless it administers that tenant (the broker answers 409 "already exist" before
 * it checks the role); no run prints the token. The namespace a run creates gets the config's
 * policies (the schema's defaults here), set by the same token. The project keeps no service or
 * workflow, so a run is ten pulsar-admin calls (tenant, namespace, its 7 policies, grant): each
 * starts a JVM (~2-3 s here).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PulsarAdmin } from '@infinitic/runtime';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { run } from '../support/processes.ts';
import { appFixture, copyFixture, patchYaml } from './helpers.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

// The runtime's private-broker fixture, loaded from source by URL (so tsc does not try to rewrite
// a path into the runtime's tests): the part of its AuthzBroker this file uses.
const authzFixture = new URL('../../runtime/test/fixtures/pulsar-authz.ts', import.meta.url).href;
interface AuthzBroker {
  readonly webServiceUrl: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly admin: PulsarAdmin;
  readonly startedInMs: number;
  stop(): Promise<void>;
}
const { startAuthzBroker } = (await import(authzFixture)) as {
  startAuthzBroker(roles: string[]): Promise<AuthzBroker>;
};

const cache = process.env.INFINITIC_CACHE ?? join(homedir(), '.cache', 'create-infinitic-app');
const PULSAR_ADMIN = join(cache, 'pulsar', 'apache-pulsar-4.0.8', 'bin', 'pulsar-admin');
const NAMESPACE = 'production';
const WORKER_ROLE = 'orders-worker';
const OPS_ROLE = 'ops'; // a role with a valid token but no superuser rights

/** What a run prints from the namespace step to the end, when it creates the namespace. */
function createdNamespaceLines(tenant: string): string[] {
  const ns = `${tenant}/${NAMESPACE}`;
  return [
    `done:   namespace ${ns}`,
    `done:   retention 10080 min / 1024 MB on ${ns}`,
    `done:   message TTL 1209600 s on ${ns}`,
    `done:   deduplication enabled on ${ns}`,
    `done:   auto topic creation enabled (non-partitioned) on ${ns}`,
    `done:   schema compatibility BACKWARD_TRANSITIVE on ${ns}`,
    `done:   schema validation enforced on ${ns}`,
    `done:   schema auto update allowed on ${ns}`,
    `done:   produce,consume on ${ns} for role ${WORKER_ROLE}`,
    `Pulsar provisioned for orders-worker (production) in ${ns}`,
    '',
  ];
}

/** The script promote writes for the sample project without services and workflows, in `tenant`. */
function script(tenant: string): string {
  using copy = copyFixture(appFixture);
  patchYaml(join(copy.dir, 'config', 'base.yml'), { remove: ['services', 'workflows'] });
  patchYaml(join(copy.dir, 'config', 'production.yml'), {
    remove: ['deployment.workerGroups'],
    set: [['transport.pulsar.tenant', tenant]],
  });
  const project = loadProject({ env: 'production', dir: copy.dir, variables: {} });
  const file = generateFiles(project, 'all', join(copy.dir, 'deploy')).find(
    (f) => f.path === 'pulsar/provision.sh',
  );
  assert.ok(file);
  assert.equal(file.content.match(/^create_(topic|subscription) /m), null, 'no topic to provision');
  return file.content;
}

type Auth = { PULSAR_ADMIN_TOKEN_FILE: string } | { PULSAR_ADMIN_TOKEN: string };

/** Runs the script with the real pulsar-admin against `broker`, authenticated by `auth`. */
async function provision(broker: AuthzBroker, tenant: string, auth: Auth) {
  // ~10 JVM starts, ~2.5 s of CPU each: niced, so the tests running beside it keep their CPU.
  const result = await run('nice', ['-n', '10', 'sh', '-c', script(tenant)], {
    env: {
      PULSAR_ADMIN_TOKEN: undefined,
      PULSAR_ADMIN_TOKEN_FILE: undefined,
      ...auth,
      PULSAR_ADMIN_URL: broker.webServiceUrl,
      WORKER_ROLE,
      PULSAR_ADMIN_BIN: PULSAR_ADMIN,
      // A short-lived CLI: the quick JIT tier starts it ~20% faster.
      PULSAR_EXTRA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    },
    timeoutMs: 300_000,
  });
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe('pulsar/provision.sh with an admin token, on a broker with authorization', () => {
  let broker: AuthzBroker;
  const dir = mkdtempSync(join(tmpdir(), 'provision-auth-'));

  before(async () => {
    assert.ok(existsSync(PULSAR_ADMIN), `${PULSAR_ADMIN} is missing: provision it with scripts/test-env`);
    broker = await startAuthzBroker([OPS_ROLE]);
  });

  after(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A GET on the broker's admin REST with the admin token: the body when 200, else the status. */
  async function adminGet(path: string): Promise<unknown> {
    const res = await broker.admin.request('GET', path);
    return res.status === 200 ? res.body : res.status;
  }

  /** What the broker holds for `tenant`; a role's actions sorted (the broker keeps them as a set). */
  async function provisioned(tenant: string) {
    const permissions = (await adminGet(`/namespaces/${tenant}/${NAMESPACE}/permissions`)) as Record<
      string,
      string[]
    >;
    const policies = (await adminGet(`/namespaces/${tenant}/${NAMESPACE}`)) as Record<string, unknown>;
    return {
      tenant: await adminGet(`/tenants/${tenant}`),
      namespaces: await adminGet(`/namespaces/${tenant}`),
      permissions: Object.fromEntries(
        Object.entries(permissions).map(([role, actions]) => [role, actions.toSorted()]),
      ),
      // Two of the policies the script set (provision-pulsar.test.ts checks them all).
      retention: policies.retention_policies,
      messageTTL: policies.message_ttl_in_seconds,
    };
  }

  /** Two of the default policies a run set, as the broker reports them. */
  const DEFAULT_POLICIES = {
    retention: { retentionTimeInMinutes: 10080, retentionSizeInMB: 1024 },
    messageTTL: 1209600,
  };

  it('creates the tenant, namespace and grant with the token of PULSAR_ADMIN_TOKEN_FILE or PULSAR_ADMIN_TOKEN', async (t) => {
    t.diagnostic(`authz broker healthy ${broker.startedInMs} ms after docker run`);
    const token = broker.tokens.admin!;
    const tokenFile = join(dir, 'admin.jwt');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    // The inline token's run finds its namespace made already (three JVM starts instead of ten:
    // the policies are set by the file token's run and the tenant admin's below).
    await broker.admin.createTenant('acme-inline', { allowedClusters: ['standalone'] });
    await broker.admin.createNamespace('acme-inline', NAMESPACE);
    const [file, inline] = await Promise.all([
      provision(broker, 'acme-file', { PULSAR_ADMIN_TOKEN_FILE: tokenFile }),
      provision(broker, 'acme-inline', { PULSAR_ADMIN_TOKEN: token }),
    ]);
    assert.equal(file.status, 0, `acme-file: ${file.stderr}`);
    assert.deepEqual(file.stdout.split('\n'), [
      'done:   tenant acme-file',
      ...createdNamespaceLines('acme-file'),
    ]);
    assert.deepEqual(await provisioned('acme-file'), {
      tenant: { adminRoles: [], allowedClusters: ['standalone'] },
      namespaces: [`acme-file/${NAMESPACE}`],
      permissions: { [WORKER_ROLE]: ['consume', 'produce'] },
      ...DEFAULT_POLICIES,
    });
    assert.equal(inline.status, 0, `acme-inline: ${inline.stderr}`);
    assert.deepEqual(inline.stdout.split('\n'), [
      'exists: tenant acme-inline',
      `exists: namespace acme-inline/${NAMESPACE}`,
      `done:   produce,consume on acme-inline/${NAMESPACE} for role ${WORKER_ROLE}`,
      `Pulsar provisioned for orders-worker (production) in acme-inline/${NAMESPACE}`,
      '',
    ]);
    assert.deepEqual(await provisioned('acme-inline'), {
      tenant: { adminRoles: [], allowedClusters: ['standalone'] },
      namespaces: [`acme-inline/${NAMESPACE}`],
      permissions: { [WORKER_ROLE]: ['consume', 'produce'] },
      retention: undefined, // an existing namespace is left as it is
      messageTTL: undefined,
    });
    for (const run of [file, inline]) {
      assert.equal(`${run.stdout}${run.stderr}`.includes(token), false, 'the token is never printed');
    }
  });

  it("stops at the tenant step with pulsar-admin's refusal for a role that is not a superuser", async () => {
    const token = broker.tokens[OPS_ROLE]!;
    const tenant = 'acme-ops';
    const { status, stdout, stderr } = await provision(broker, tenant, { PULSAR_ADMIN_TOKEN: token });
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`^failed: tenant ${tenant}\\n`));
    assert.match(stderr, /^Reason: Unauthorized .* about operation \[CREATE_TENANT\]/m);
    assert.equal(stderr.includes(token), false, 'the token is never printed');
    assert.equal(await adminGet(`/tenants/${tenant}`), 404);
  });

  it("provisions with a tenant admin's token once a superuser has created the tenant (409 for it too), policies included", async () => {
    const token = broker.tokens[OPS_ROLE]!;
    const tenant = 'acme-owned';
    await broker.admin.createTenant(tenant, { allowedClusters: ['standalone'], adminRoles: [OPS_ROLE] });
    const { status, stdout, stderr } = await provision(broker, tenant, { PULSAR_ADMIN_TOKEN: token });
    assert.equal(status, 0, stderr);
    assert.deepEqual(stdout.split('\n'), [`exists: tenant ${tenant}`, ...createdNamespaceLines(tenant)]);
    assert.equal(`${stdout}${stderr}`.includes(token), false, 'the token is never printed');
    assert.deepEqual(await provisioned(tenant), {
      tenant: { adminRoles: [OPS_ROLE], allowedClusters: ['standalone'] },
      namespaces: [`${tenant}/${NAMESPACE}`],
      permissions: { [WORKER_ROLE]: ['consume', 'produce'] },
      ...DEFAULT_POLICIES,
    });
  });
});
