/**
 * The production checklist: the compliant sample project passes every rule; for each rule a crafted
 * bad config (the sample project with one change) fails exactly that rule.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDoctor } from '../../src/doctor/doctor.ts';
import { RULES } from '../../src/doctor/rules.ts';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { appFixture, copyFixture, type Patch, patchYaml } from './helpers.ts';

const SECRETS = { PULSAR_TOKEN: 's3cr3t-pulsar-7f3a9', REDIS_PASSWORD: 's3cr3t-redis-c41d2' };

/** One crafted bad config per rule: a patch of config/production.yml (or base.yml). */
const BAD: Record<string, { why: string; patch: Patch; file?: 'base.yml' }> = {
  PROD001: {
    why: 'plain pulsar://',
    patch: { set: [['transport.pulsar.brokerServiceUrl', 'pulsar://pulsar.messaging.svc:6650']] },
  },
  PROD002: { why: 'redis without TLS', patch: { set: [['storage.redis.ssl', false]] } },
  PROD003: { why: 'no Pulsar authentication', patch: { remove: ['transport.pulsar.client'] } },
  PROD004: { why: 'no redis password', patch: { remove: ['storage.redis.password'] } },
  PROD005: { why: 'literal redis password', patch: { set: [['storage.redis.password', 'hunter2-literal']] } },
  PROD006: {
    why: 'in-memory storage',
    patch: { set: [['storage', 'inMemory']] },
  },
  PROD007: { why: 'localhost redis', patch: { set: [['storage.redis.host', 'localhost']] } },
  PROD008: { why: 'no WebSocket proxy configured', patch: { remove: ['transport.pulsar.webSocketUrl'] } },
  PROD009: { why: 'HPA minimum 1', patch: { set: [['deployment.autoscaling.minReplicas', 1]] } },
  PROD010: {
    why: 'requests without limits',
    patch: { set: [['deployment.resources', { requests: { cpu: '250m', memory: '256Mi' } }]] },
  },
  PROD011: { why: 'observability disabled', patch: { set: [['observability', { enabled: false }]] } },
  PROD012: { why: 'autoscaling disabled', patch: { set: [['deployment.autoscaling.enabled', false]] } },
  PROD013: { why: 'pretty logs', patch: { set: [['logging.format', 'pretty']] } },
  PROD014: {
    why: 'a variable with no value and no default',
    patch: { set: [['transport.pulsar.tenant', '${PULSAR_TENANT}']] },
  },
  PROD015: {
    why: 'image :latest',
    patch: { set: [['deployment.image', 'registry.acme.io/orders-worker:latest']] },
  },
  PROD016: { why: 'fixed worker name', patch: { set: [['name', 'orders-worker-1']] }, file: 'base.yml' },
  PROD017: {
    why: 'EmailSender in no group',
    patch: { set: [['deployment.workerGroups.1.services', ['PaymentGateway']]] },
  },
};

function doctorOf(dir: string) {
  return runDoctor(loadProject({ env: 'production', dir, variables: SECRETS }));
}

describe('doctor', () => {
  it('passes the compliant sample project with no finding at all', () => {
    const report = doctorOf(appFixture);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ok, true);
    assert.deepEqual(report.rules, Object.keys(BAD));
  });

  it('every rule has a bad fixture below', () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      Object.keys(BAD),
    );
  });

  for (const rule of RULES) {
    const bad = BAD[rule.id]!;
    it(`${rule.id} (${rule.title}) fails on: ${bad.why}`, () => {
      using copy = copyFixture(appFixture);
      patchYaml(join(copy.dir, 'config', bad.file ?? 'production.yml'), bad.patch);
      const report = doctorOf(copy.dir);
      assert.deepEqual([...new Set(report.findings.map((f) => f.id))], [rule.id]);
      const finding = report.findings[0]!;
      assert.equal(finding.level, rule.level);
      assert.ok(finding.message.length > 10 && finding.fix.length > 10, 'message and fix');
      assert.equal(report.ok, rule.level === 'warning');
      for (const secret of Object.values(SECRETS))
        assert.doesNotMatch(JSON.stringify(report), new RegExp(secret));
    });
  }

  it('a URL left as ${VAR:?…} at promote time is reported (PROD014), the rest still checked and generated', () => {
    using copy = copyFixture(appFixture);
    const url = '${PULSAR_BROKER_SERVICE_URL:?set PULSAR_BROKER_SERVICE_URL}';
    patchYaml(join(copy.dir, 'config', 'production.yml'), {
      set: [['transport.pulsar.brokerServiceUrl', url]],
    });
    const project = loadProject({ env: 'production', dir: copy.dir, variables: SECRETS });
    const report = runDoctor(project);
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.at]),
      [['PROD014', 'config/production.yml:4:23']],
    );
    assert.equal(
      project.config.deployment.workerGroups.length,
      2,
      'defaults and the rest of the config are there',
    );
    const files = generateFiles(project, 'all', join(copy.dir, 'deploy', 'production'));
    assert.match(
      files.find((f) => f.path === 'kubernetes/02-configmap.yaml')!.content,
      /PULSAR_BROKER_SERVICE_URL:\?set/,
    );
  });

  it('PROD005 also fails a secret whose placeholder carries a default value; an empty default is no secret', () => {
    using copy = copyFixture(appFixture);
    const base = join(copy.dir, 'config', 'base.yml');
    // A dev password in base.yml is shipped in the production ConfigMap with the file.
    patchYaml(base, { set: [['storage.redis.password', '${REDIS_PASSWORD:-devpass-9d2}']] });
    const report = doctorOf(copy.dir);
    assert.deepEqual(
      report.findings.map((f) => f.id),
      ['PROD005'],
    );
    assert.match(report.findings[0]!.message, /secret variable REDIS_PASSWORD has a default/);
    assert.doesNotMatch(JSON.stringify(report), /devpass-9d2/, 'the default is not echoed');
    patchYaml(base, { set: [['storage.redis.password', '${REDIS_PASSWORD:-}']] });
    assert.deepEqual(doctorOf(copy.dir).findings, []);
  });

  it('lists every finding at once, located in the files', () => {
    using copy = copyFixture(appFixture);
    const file = join(copy.dir, 'config', 'production.yml');
    patchYaml(file, { ...BAD.PROD001!.patch, set: [...BAD.PROD001!.patch.set!, ...BAD.PROD013!.patch.set!] });
    patchYaml(file, BAD.PROD005!.patch);
    const report = doctorOf(copy.dir);
    assert.deepEqual(
      report.findings.map((f) => f.id),
      ['PROD001', 'PROD005', 'PROD013'],
    );
    assert.match(report.findings[0]!.at!, /^config\/production\.yml:\d+:\d+$/);
    assert.doesNotMatch(JSON.stringify(report), /hunter2-literal/, 'the literal secret is not echoed');
  });
});
