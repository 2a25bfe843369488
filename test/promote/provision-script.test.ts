/**
 * pulsar/provision.sh as promote generates it: valid POSIX sh (`sh -n`), the exact steps it runs
 * for the sample project (names as the runtime makes them), what it reads from the environment,
 * the worker groups' selection, names left to variables, no secret value, `--check`, the namespace
 * policies of the config (only on a namespace the run created) and the timer TTL of the
 * workflow-engine topics (only on one the run created).
 * Checked on the script's text (the commands it runs, in order) and by running sh on it where no
 * pulsar-admin is reached (its prologue; a refusal to start). provision-pulsar.test.ts runs it with
 * the real pulsar-admin against the test broker, provision-auth.test.ts with admin tokens.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is shell and config syntax
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/promote/project.ts';
import { checkFiles, type GeneratedFile, generateFiles, writeFiles } from '../../src/promote/promote.ts';
import { appFixture, copyFixture, guideFixture, type Patch, patchYaml } from './helpers.ts';

const SCRIPT = 'pulsar/provision.sh';
const SECRETS = { PULSAR_TOKEN: 's3cr3t-pulsar-7f3a9', REDIS_PASSWORD: 's3cr3t-redis-c41d2' };

function promoted(dir: string, variables: Record<string, string> = SECRETS): GeneratedFile[] {
  return generateFiles(loadProject({ env: 'production', dir, variables }), 'all', join(dir, 'deploy'));
}

function scriptOf(files: GeneratedFile[]): string {
  const file = files.find((f) => f.path === SCRIPT);
  assert.ok(file, `${SCRIPT} generated`);
  return file.content;
}

/** The sample project with `patch` applied to config/production.yml (and `base` to base.yml), promoted. */
function patchedScript(fixture: string, patch: Patch, base?: Patch): string {
  using copy = copyFixture(fixture);
  patchYaml(join(copy.dir, 'config', 'production.yml'), patch);
  if (base) patchYaml(join(copy.dir, 'config', 'base.yml'), base);
  return scriptOf(promoted(copy.dir));
}

/** `sh -n`: parses the script without running anything. */
function syntaxCheck(script: string): { status: number | null; stderr: string } {
  const result = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/** The lines between `set -eu` and the shell functions: what the script reads from the environment. */
function prologue(script: string): string[] {
  const body = script.slice(script.indexOf('\nset -eu\n') + 1, script.indexOf('\nadmin() {\n'));
  return body.split('\n').filter((line) => line !== '' && line !== 'set -eu');
}

/**
 * The commands the script runs after its functions, in order, a continued line joined: its
 * `step` calls (a pulsar-admin call each), `create_topic` / `create_subscription`, the final echo,
 * and the `if` / `fi` that guard some of them (what they guard keeps its indentation).
 * What the functions make of them is run against the real broker by provision-pulsar.test.ts.
 */
function invocations(script: string): string[] {
  const body = script.slice(script.lastIndexOf('\n}\n'));
  return body
    .replace(/ \\\n\s+/g, ' ')
    .split('\n')
    .filter((line) => /^(\s*step|create_topic|create_subscription|echo|if|fi)\b/.test(line));
}

const CREATED = 'if [ "$created" = 1 ]; then';

/** The policy steps of a namespace the script created, for the schema's default policies. */
const DEFAULT_POLICY_STEPS = [
  '  step "retention 10080 min / 1024 MB on $TENANT/$NAMESPACE" namespaces set-retention "$TENANT/$NAMESPACE" --time 10080m --size 1024M',
  '  step "message TTL 1209600 s on $TENANT/$NAMESPACE" namespaces set-message-ttl "$TENANT/$NAMESPACE" --messageTTL 1209600',
  '  step "deduplication enabled on $TENANT/$NAMESPACE" namespaces set-deduplication "$TENANT/$NAMESPACE" --enable',
  '  step "auto topic creation enabled (non-partitioned) on $TENANT/$NAMESPACE" namespaces set-auto-topic-creation "$TENANT/$NAMESPACE" --enable --type non-partitioned',
  '  step "schema compatibility BACKWARD_TRANSITIVE on $TENANT/$NAMESPACE" namespaces set-schema-compatibility-strategy "$TENANT/$NAMESPACE" --compatibility BACKWARD_TRANSITIVE',
  '  step "schema validation enforced on $TENANT/$NAMESPACE" namespaces set-schema-validation-enforce "$TENANT/$NAMESPACE" --enable',
  '  step "schema auto update allowed on $TENANT/$NAMESPACE" namespaces set-is-allow-auto-update-schema "$TENANT/$NAMESPACE" --enable',
];

/** The steps of the script between `step "namespace ..."` and the grant: the guarded policies. */
function policyBlock(script: string): string[] {
  const steps = invocations(script);
  const start = steps.findIndex((line) => line.startsWith('step "namespace '));
  const end = steps.findIndex((line) => line.startsWith('step "produce,consume '));
  return steps.slice(start + 1, end);
}

/**
 * The commands for one consumed topic: topic, subscription, DLQ topic, DLQ subscription; a
 * workflow-engine topic the run created also gets the timer TTL (`ttl`, its seconds).
 */
function topicInvocations(topic: string, subscription: string, ttl?: number): string[] {
  const dlq = `${topic}-${subscription}-DLQ`;
  return [
    `create_topic ${topic}`,
    ...(ttl === undefined ? [] : [`${CREATED} set_topic_ttl ${topic} ${ttl}; fi`]),
    `create_subscription ${topic} ${subscription}`,
    `create_topic ${dlq}`,
    `create_subscription ${dlq} ${subscription}-dlq`,
  ];
}

/** The words sh makes of a command line (quotes removed, `$VAR` from `env`), without running it. */
function shellWords(line: string, env: Record<string, string>): string[] {
  const result = spawnSync('sh', ['-c', 'eval "set -- $1"; printf \'%s\\n\' "$@"', 'sh', line], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').slice(0, -1);
}

/**
 * Runs the whole script with only `env` (no PULSAR_ADMIN_BIN: the default bin/pulsar-admin, which
 * does not exist in the empty directory it runs in, so a run that reached it would say `failed:`).
 */
function runUnprovisioned(script: string, env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'provision-script-'));
  try {
    const result = spawnSync('sh', ['-c', script], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Runs the script's prologue only (nothing is called) and returns the values it settled on. */
function settledValues(script: string, env: Record<string, string>) {
  const head = script.slice(0, script.indexOf('\nadmin() {\n'));
  const print = 'printf \'%s\\n\' "$TENANT" "$NAMESPACE" "$WORKER_ROLE" "$PULSAR_ADMIN_BIN"';
  const result = spawnSync('sh', ['-c', `${head}\n${print}\n`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  const [tenant, namespace, workerRole, bin] = result.stdout.split('\n');
  return { tenant, namespace, workerRole, bin };
}

const ENV = { PULSAR_ADMIN_URL: 'http://pulsar-admin.example:8080', WORKER_ROLE: 'orders-worker' };

describe('pulsar/provision.sh for the sample project', () => {
  const files = promoted(appFixture);
  const script = scriptOf(files);

  it('is a POSIX shell script that sh -n accepts (and the check is real: a broken copy fails)', () => {
    assert.ok(script.startsWith('#!/bin/sh\n# Generated by `infinitic promote --env production`'));
    assert.deepEqual(syntaxCheck(script), { status: 0, stderr: '' });
    const broken = syntaxCheck(script.replace(/\n {4}esac\n/, '\n'));
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /syntax error/i);
  });

  it('calls pulsar-admin for the tenant, namespace (its policies if created), grant, then each consumed topic and its DLQ (its steps, in order)', () => {
    assert.deepEqual(prologue(script), [
      ': "${PULSAR_ADMIN_URL:?set PULSAR_ADMIN_URL to the admin URL of the Pulsar cluster}"',
      ': "${WORKER_ROLE:?set WORKER_ROLE to the role of the workers (the sub claim of their token)}"',
      'PULSAR_ADMIN_BIN=${PULSAR_ADMIN_BIN:-bin/pulsar-admin}',
      'TENANT=acme',
      'NAMESPACE=production',
    ]);
    assert.deepEqual(invocations(script), [
      'step "tenant $TENANT" tenants create "$TENANT"',
      'step "namespace $TENANT/$NAMESPACE" namespaces create "$TENANT/$NAMESPACE"',
      CREATED,
      ...DEFAULT_POLICY_STEPS,
      'fi',
      'step "produce,consume on $TENANT/$NAMESPACE for role $WORKER_ROLE" namespaces grant-permission "$TENANT/$NAMESPACE" --role "$WORKER_ROLE" --actions produce,consume',
      ...topicInvocations('task-executor:ImageResizer', 'task-executor-subscription'),
      ...topicInvocations('task-executor:PaymentGateway', 'task-executor-subscription'),
      ...topicInvocations('task-executor:EmailSender', 'task-executor-subscription'),
      ...topicInvocations('workflow-engine:OrderWorkflow', 'workflow-engine-subscription', 31622400),
      'echo "Pulsar provisioned for orders-worker (production) in $TENANT/$NAMESPACE"',
    ]);
    assert.deepEqual(settledValues(script, ENV), {
      tenant: 'acme',
      namespace: 'production',
      workerRole: 'orders-worker',
      bin: 'bin/pulsar-admin',
    });
  });

  it('refuses to start without the admin URL or the workers role, calling nothing', () => {
    for (const missing of ['PULSAR_ADMIN_URL', 'WORKER_ROLE'] as const) {
      const env: Record<string, string> = { ...ENV };
      delete env[missing];
      const { status, stdout, stderr } = runUnprovisioned(script, env);
      assert.notEqual(status, 0, missing);
      assert.match(stderr, new RegExp(`${missing}: set ${missing} to the`));
      assert.doesNotMatch(stderr, /failed:/);
      assert.equal(stdout, '');
    }
  });

  it('guards the policies and the timer TTL with what the step before it left in `created`', () => {
    // `step` sets created=1 when pulsar-admin succeeded, created=0 when the object already existed.
    assert.match(script, /\n {4}created=1\n {4}echo "done: {3}\$what"\n/);
    assert.match(script, /\n {6}\*"already exist"\*\) created=0; echo "exists: \$what" ;;\n/);
    assert.match(
      script,
      /\nset_topic_ttl\(\) \{\n {2}step "message TTL \$2 s on topic \$1" topics set-message-ttl "persistent:\/\/\$TENANT\/\$NAMESPACE\/\$1" --ttl "\$2"\n\}\n/,
    );
    // Delayed delivery is left to the broker, as the runtime leaves it (namespace-policies.ts).
    assert.equal(script.includes('set-delayed-delivery'), false);
    // Only the workflow-engine topic, right after its creation; not its DLQ, no task-executor topic.
    const ttlLines = invocations(script).filter((line) => line.includes('set_topic_ttl'));
    assert.deepEqual(ttlLines, [`${CREATED} set_topic_ttl workflow-engine:OrderWorkflow 31622400; fi`]);
    // What `created` holds is run: after an existing namespace, no policy step (none reached).
    const guarded = script.slice(script.indexOf(CREATED), script.indexOf('\nfi\n') + 4);
    const run = (created: string) =>
      spawnSync('sh', ['-c', `step() { echo "$1"; }\nTENANT=t NAMESPACE=n created=${created}\n${guarded}`], {
        encoding: 'utf8',
      }).stdout;
    assert.equal(run('0'), '');
    assert.equal(run('1').split('\n').length - 1, DEFAULT_POLICY_STEPS.length);
    assert.match(run('1'), /^retention 10080 min \/ 1024 MB on t\/n\n/);
  });

  it('holds no secret value; the README says when and how to run it', () => {
    for (const value of Object.values(SECRETS)) assert.equal(script.includes(value), false, value);
    const readme = files.find((f) => f.path === 'README.md')!.content;
    const section = readme.slice(readme.indexOf('## Pulsar provisioning'), readme.indexOf('## Apply order'));
    assert.match(section, /before the first deployment, and again whenever a service or workflow is added/);
    assert.match(section, /`response:\{client\}` topics/);
    assert.match(section, /auto topic creation .* or the clients' role must be allowed to create topics/s);
    assert.match(section, /each of the 4 topics/);
    assert.match(
      section,
      /A namespace the script creates gets the config's `transport\.pulsar\.policies`: retention\s\(10080 min \/ 1024 MB\), message TTL \(1209600 s\)/,
    );
    assert.match(section, /An\sexisting namespace is left as it\sis/);
    assert.match(
      section,
      /The policies are set only by\sthe run that creates the namespace: if it stopped after that step/,
    );
    assert.match(section, /\(not delayed delivery: the broker's settings apply\)/);
    assert.match(
      section,
      /A `workflow-engine:\*` topic the script\screates gets a message TTL of `timerTTLSeconds` \(31622400 s\)/,
    );
    assert.match(section, /takes\n`allowAutoTopicCreation` from the config: true\), or the clients' role/);
    assert.match(
      section,
      /a superuser's, or one of the tenant's admin roles once a superuser has created\sthe tenant/,
    );
  });
});

describe('pulsar/provision.sh from other configs', () => {
  it("sets the config's policies, not the defaults, on a namespace it creates", () => {
    const policies = {
      retentionTimeMinutes: -1,
      retentionSizeMB: -1,
      messageTTLSeconds: 0,
      timerTTLSeconds: 86400,
      delayedDeliveryTickTimeMillis: 2000,
      maxDeliveryDelayInMillis: 3600000,
      schemaCompatibilityStrategy: 'FULL',
      allowAutoTopicCreation: false,
      schemaValidationEnforced: false,
      isAllowAutoUpdateSchema: false,
      deduplicationEnabled: false,
    };
    const script = patchedScript(appFixture, {
      set: Object.entries(policies).map(([key, value]) => [`transport.pulsar.policies.${key}`, value]),
    });
    assert.equal(syntaxCheck(script).status, 0);
    assert.deepEqual(policyBlock(script), [
      CREATED,
      '  step "retention unlimited time / unlimited size on $TENANT/$NAMESPACE" namespaces set-retention "$TENANT/$NAMESPACE" --time -1 --size -1',
      '  step "message TTL 0 s on $TENANT/$NAMESPACE" namespaces set-message-ttl "$TENANT/$NAMESPACE" --messageTTL 0',
      '  step "deduplication disabled on $TENANT/$NAMESPACE" namespaces set-deduplication "$TENANT/$NAMESPACE" --disable',
      '  step "auto topic creation disabled on $TENANT/$NAMESPACE" namespaces set-auto-topic-creation "$TENANT/$NAMESPACE" --disable',
      '  step "schema compatibility FULL on $TENANT/$NAMESPACE" namespaces set-schema-compatibility-strategy "$TENANT/$NAMESPACE" --compatibility FULL',
      '  step "schema validation not enforced on $TENANT/$NAMESPACE" namespaces set-schema-validation-enforce "$TENANT/$NAMESPACE" --disable',
      '  step "schema auto update not allowed on $TENANT/$NAMESPACE" namespaces set-is-allow-auto-update-schema "$TENANT/$NAMESPACE" --disable',
      'fi',
    ]);
    assert.match(
      script,
      /^if \[ "\$created" = 1 \]; then set_topic_ttl workflow-engine:OrderWorkflow 86400; fi$/m,
    );
    // One value changed alone changes its step alone.
    const sized = patchedScript(appFixture, { set: [['transport.pulsar.policies.retentionSizeMB', 4096]] });
    assert.equal(
      policyBlock(sized)[1],
      '  step "retention 10080 min / 4096 MB on $TENANT/$NAMESPACE" namespaces set-retention "$TENANT/$NAMESPACE" --time 10080m --size 4096M',
    );
    assert.deepEqual(policyBlock(sized).slice(2), [...DEFAULT_POLICY_STEPS.slice(1), 'fi']);
  });

  it('a single group runs every configured service and workflow', () => {
    const script = scriptOf(promoted(guideFixture, { PG_PASSWORD: 'pg-s3cr3t' }));
    const topics = [...script.matchAll(/^create_topic (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(topics, [
      'task-executor:PaymentService',
      'task-executor:PaymentService-task-executor-subscription-DLQ',
      'workflow-engine:OrderWorkflow',
      'workflow-engine:OrderWorkflow-workflow-engine-subscription-DLQ',
    ]);
    assert.match(script, /^# workflow OrderWorkflow \(guide-example-worker\)$/m);
    assert.equal(script.includes('pg-s3cr3t'), false);
  });

  it("follows the worker's selection: no executor or concurrency 0 runs nowhere; a selected name outside the config runs", () => {
    const script = patchedScript(
      appFixture,
      {
        set: [
          ['deployment.workerGroups.0.services', ['ImageResizer', 'Thumbnailer']],
          ['deployment.workerGroups.1.workflows', ['OrderWorkflow', 'Billing']],
        ],
      },
      {
        set: [
          ['services', [{ name: 'ImageResizer' }, { name: 'PaymentGateway', executor: { concurrency: 0 } }]],
        ],
      },
    );
    const topics = [...script.matchAll(/^create_topic ([^\s]+:[A-Za-z]+)$/gm)].map((m) => m[1]);
    assert.deepEqual(topics, [
      'task-executor:Thumbnailer',
      'task-executor:EmailSender',
      'workflow-engine:OrderWorkflow',
      'workflow-engine:Billing',
    ]);
  });

  it('a tenant left to an unset ${VAR} is read by the script from that variable; a composite one is an error', () => {
    const script = patchedScript(appFixture, { set: [['transport.pulsar.tenant', '${PULSAR_TENANT}']] });
    assert.match(
      script,
      /^TENANT="\$\{PULSAR_TENANT:\?set PULSAR_TENANT: the Pulsar tenant \(transport\.pulsar\.tenant\)\}"$/m,
    );
    assert.equal(invocations(script)[0], 'step "tenant $TENANT" tenants create "$TENANT"');
    assert.equal(syntaxCheck(script).status, 0);
    const unset = runUnprovisioned(script, ENV);
    assert.notEqual(unset.status, 0);
    assert.match(unset.stderr, /PULSAR_TENANT: set PULSAR_TENANT/);
    assert.equal(unset.stdout, '');
    assert.equal(settledValues(script, { ...ENV, PULSAR_TENANT: 'acme-eu' }).tenant, 'acme-eu');
    assert.throws(
      () => patchedScript(appFixture, { set: [['transport.pulsar.tenant', 'acme-${REGION}']] }),
      /transport\.pulsar\.tenant is still 'acme-\$\{REGION\}' at promote time: set its variable when promoting/,
    );
  });

  it('allowed clusters and admin roles go to tenants create, quoted for sh', () => {
    const script = patchedScript(appFixture, {
      set: [
        ['transport.pulsar.allowedClusters', ['eu-west', 'eu-central']],
        ['transport.pulsar.adminRoles', ["ops team's"]],
      ],
    });
    const tenantStep = invocations(script)[0]!;
    assert.equal(
      tenantStep,
      `step "tenant $TENANT" tenants create "$TENANT" --allowed-clusters eu-west,eu-central --admin-roles 'ops team'\\''s'`,
    );
    assert.deepEqual(shellWords(tenantStep, { TENANT: 'acme' }), [
      'step',
      'tenant acme',
      'tenants',
      'create',
      'acme',
      '--allowed-clusters',
      'eu-west,eu-central',
      '--admin-roles',
      "ops team's",
    ]);
  });

  it('a token written in the config gives the role (its sub claim), never the token', () => {
    const claims = Buffer.from(JSON.stringify({ sub: 'orders-worker-prod' })).toString('base64url');
    const token = `eyJhbGciOiJIUzI1NiJ9.${claims}.c2lnbmF0dXJlLXMzY3IzdA`;
    const script = patchedScript(appFixture, {
      set: [['transport.pulsar.client.authentication.token', token]],
    });
    assert.match(script, /^WORKER_ROLE=\$\{WORKER_ROLE:-orders-worker-prod\}$/m);
    assert.equal(script.includes(token), false);
    assert.equal(script.includes('c2lnbmF0dXJlLXMzY3IzdA'), false);
    const admin = { PULSAR_ADMIN_URL: ENV.PULSAR_ADMIN_URL };
    assert.equal(settledValues(script, admin).workerRole, 'orders-worker-prod');
    assert.equal(settledValues(script, { ...admin, WORKER_ROLE: 'other' }).workerRole, 'other');
  });
});

describe('pulsar/provision.sh and --check', () => {
  it('is written executable, compared by --check, and reported stale once no longer generated', () => {
    using copy = copyFixture(appFixture);
    const out = join(copy.dir, 'deploy');
    writeFiles(out, promoted(copy.dir));
    assert.equal(statSync(join(out, SCRIPT)).mode & 0o777, 0o755);
    assert.deepEqual(checkFiles(out, promoted(copy.dir)), []);

    const path = join(out, SCRIPT);
    writeFileSync(path, readFileSync(path, 'utf8').replace('--actions produce,consume', '--actions produce'));
    const [drift, ...rest] = checkFiles(out, promoted(copy.dir));
    assert.deepEqual(rest, []);
    assert.equal(drift!.path, SCRIPT);
    assert.equal(drift!.status, 'changed');
    assert.match(drift!.diff, /^\+.*--actions produce,consume$/m);

    // The same config on the in-memory transport: no Pulsar, no script; the old one is stale.
    for (const file of ['base.yml', 'production.yml'])
      patchYaml(join(copy.dir, 'config', file), { remove: ['transport.pulsar'] });
    patchYaml(join(copy.dir, 'config', 'base.yml'), { set: [['transport.inMemory', null]] });
    const files = promoted(copy.dir);
    assert.equal(
      files.some((f) => f.path === SCRIPT),
      false,
    );
    const stale = checkFiles(out, files).filter((d) => d.status === 'stale');
    assert.deepEqual(
      stale.map((d) => d.path),
      [SCRIPT],
    );
  });
});
