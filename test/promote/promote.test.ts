/**
 * Promotion of the sample project (test/fixtures/promote-app: worker groups, secrets as ${VAR}) and
 * of the guide's §9.5 example: every manifest re-read from the written YAML and validated with
 * kubernetes-models (Kubernetes v1.36 OpenAPI schemas), probes, secretKeyRefs, HPA behavior,
 * worker groups, compose, README, determinism and no secret value anywhere.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '@infinitic/runtime';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { HPA_BEHAVIOR } from '../../src/promote/k8s-workload.ts';
import { loadProject } from '../../src/promote/project.ts';
import { type GeneratedFile, generateFiles } from '../../src/promote/promote.ts';
import { validateComposeFile } from '../../src/stack/compose-validate.ts';
import {
  type Any,
  appFixture,
  docsOf,
  guideFixture,
  PROMOTED_FILES,
  restrictedProfileViolations,
} from './helpers.ts';

const MODELS: Record<string, new (data: Any) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  ConfigMap,
  Service,
  Role,
  RoleBinding,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
};

const SECRETS = { PULSAR_TOKEN: 's3cr3t-pulsar-7f3a9', REDIS_PASSWORD: 's3cr3t-redis-c41d2' };

function promoteApp(variables: Record<string, string> = SECRETS): GeneratedFile[] {
  const project = loadProject({ env: 'production', dir: appFixture, variables });
  return generateFiles(project, 'all', `${appFixture}/deploy/production`);
}

function manifests(files: GeneratedFile[]): Any[] {
  return files.filter((f) => f.path.startsWith('kubernetes/')).flatMap((f) => docsOf(f.content));
}

const byKind = (docs: Any[], kind: string) => docs.filter((d) => d.kind === kind);

describe('promote: sample project with worker groups', () => {
  const files = promoteApp();
  const docs = manifests(files);

  it('writes the Kubernetes files in apply order, a compose file and a README', () => {
    assert.deepEqual(
      files.map((f) => f.path),
      PROMOTED_FILES,
    );
    for (const file of files)
      assert.ok(file.content.endsWith('\n') && !file.content.endsWith('\n\n'), file.path);
  });

  it('every written manifest passes the Kubernetes OpenAPI schema (kubernetes-models .validate())', () => {
    assert.equal(docs.length, 15);
    for (const doc of docs) {
      const Model = MODELS[doc.kind];
      assert.ok(Model, `a model for ${doc.kind}`);
      // `is` compares apiVersion and kind: the model's schema is the one for this apiVersion.
      assert.ok((Model as Any).is(doc), `${doc.apiVersion} ${doc.kind} is the model's API version`);
      assert.doesNotThrow(() => new Model(doc).validate(), `${doc.kind} ${doc.metadata.name}`);
    }
  });

  it('the production compose file passes the Compose Specification schema, which is real', () => {
    const content = files.find((f) => f.path === 'docker-compose.yml')!.content;
    assert.deepEqual(validateComposeFile(content), []);
    const broken = content
      .replace(/replicas: 3/, 'replicas: three')
      .replace('read_only: true', 'readonly: true');
    assert.notEqual(broken, content);
    const problems = validateComposeFile(broken).join('\n');
    assert.match(problems, /deploy\/replicas/);
    assert.match(problems, /readonly/);
  });

  it('the schema validation is real: a broken Deployment is rejected', () => {
    const deployment = structuredClone(byKind(docs, 'Deployment')[0]);
    delete deployment.spec.selector;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    assert.throws(() => new Deployment(deployment).validate(), /selector|containerPort/);
  });

  it('runs each worker group on its own services (--services A,B), workflows selected by env', () => {
    const deployments = byKind(docs, 'Deployment');
    assert.deepEqual(
      deployments.map((d) => d.metadata.name),
      ['orders-worker-cpu-intensive', 'orders-worker-io-intensive'],
    );
    const [cpu, io] = deployments.map((d) => d.spec.template.spec.containers[0]);
    assert.deepEqual(cpu.args, ['--services', 'ImageResizer']);
    assert.deepEqual(io.args, ['--services', 'PaymentGateway,EmailSender']);
    assert.ok(io.env.some((e: Any) => e.name === 'INFINITIC_WORKFLOWS' && e.value === 'OrderWorkflow'));
    assert.deepEqual(cpu.resources, {
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    assert.deepEqual(io.resources, {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    // The HPA owns the replica count.
    for (const d of deployments) assert.equal(d.spec.replicas, undefined);
    // Each group's Service selects exactly its Deployment's pods, on the named health port.
    const services = byKind(docs, 'Service');
    assert.deepEqual(
      services.map((svc) => [svc.metadata.name, svc.spec.selector, svc.spec.ports]),
      deployments.map((d) => [
        d.metadata.name,
        d.spec.selector.matchLabels,
        [{ name: 'http', port: 8090, targetPort: 'http', protocol: 'TCP' }],
      ]),
    );
  });

  it('probes /health and /ready on the observability port; restricted security; zone anti-affinity', () => {
    for (const d of byKind(docs, 'Deployment')) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8090, protocol: 'TCP' }]);
      assert.deepEqual(c.livenessProbe.httpGet, { path: '/health', port: 'http' });
      assert.deepEqual(c.readinessProbe.httpGet, { path: '/ready', port: 'http' });
      assert.deepEqual(restrictedProfileViolations(pod), [], d.metadata.name);
      // Beyond the profile: a read-only root filesystem, run as the image's non-root user.
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.deepEqual([c.securityContext.runAsUser, c.securityContext.runAsGroup], [1000, 1000]);
      const term =
        pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      assert.equal(term.topologyKey, 'topology.kubernetes.io/zone');
      assert.equal(pod.terminationGracePeriodSeconds, 40);
      assert.equal(c.image, 'registry.acme.io/orders-worker:1.4.2');
    }
  });

  it('takes every secret placeholder from the Secret, the other variables from the settings ConfigMap', () => {
    const env = byKind(docs, 'Deployment')[0].spec.template.spec.containers[0].env as Any[];
    const refs = Object.fromEntries(env.map((e) => [e.name, e.valueFrom ?? { value: e.value }]));
    assert.deepEqual(refs.PULSAR_TOKEN, {
      secretKeyRef: { name: 'orders-worker-secrets', key: 'PULSAR_TOKEN' },
    });
    assert.deepEqual(refs.REDIS_PASSWORD, {
      secretKeyRef: { name: 'orders-worker-secrets', key: 'REDIS_PASSWORD' },
    });
    assert.deepEqual(refs.LOG_LEVEL, {
      configMapKeyRef: { name: 'orders-worker-settings', key: 'LOG_LEVEL' },
    });
    assert.deepEqual(refs.INFINITIC_CONFIG, {
      value: '/etc/infinitic/base.yml,/etc/infinitic/production.yml',
    });
    const [config, settings] = byKind(docs, 'ConfigMap');
    assert.match(config.data['production.yml'], /token: \$\{PULSAR_TOKEN\}/, 'placeholders kept');
    assert.equal(settings.data.LOG_LEVEL, 'info');
    assert.equal(settings.data.PULSAR_TOKEN, undefined);
  });

  it("HPA: autoscaling/v2 on CPU and memory with the guide's scale-up / scale-down behavior", () => {
    const hpas = byKind(docs, 'HorizontalPodAutoscaler');
    assert.equal(hpas[0].apiVersion, 'autoscaling/v2');
    assert.deepEqual(
      hpas.map((h) => [h.metadata.name, h.spec.minReplicas, h.spec.maxReplicas]),
      [
        ['orders-worker-cpu-intensive', 2, 6],
        ['orders-worker-io-intensive', 3, 12],
      ],
    );
    const targets = hpas[0].spec.metrics.map((m: Any) => [
      m.resource.name,
      m.resource.target.averageUtilization,
    ]);
    assert.deepEqual(targets, [
      ['cpu', 60],
      ['memory', 80],
    ]);
    assert.deepEqual(hpas[1].spec.behavior, HPA_BEHAVIOR);
    assert.deepEqual(hpas[1].spec.behavior.scaleUp.policies, [
      { type: 'Percent', value: 100, periodSeconds: 60 },
      { type: 'Pods', value: 4, periodSeconds: 60 },
    ]);
    assert.equal(hpas[1].spec.behavior.scaleUp.selectPolicy, 'Max');
    assert.equal(hpas[1].spec.behavior.scaleDown.stabilizationWindowSeconds, 300);
  });

  it('PDB, least-privilege RBAC, and a NetworkPolicy open only to the health port and Pulsar/storage/DNS', () => {
    assert.deepEqual(
      byKind(docs, 'PodDisruptionBudget').map((p) => p.spec.maxUnavailable),
      [1, 1],
    );
    const [role] = byKind(docs, 'Role');
    assert.deepEqual(role.rules, [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['orders-worker-config', 'orders-worker-settings'],
        verbs: ['get'],
      },
    ]);
    const [policy] = byKind(docs, 'NetworkPolicy');
    assert.deepEqual(policy.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 8090 }] }]);
    const egress = policy.spec.egress.flatMap((r: Any) => r.ports.map((p: Any) => `${p.protocol}/${p.port}`));
    assert.deepEqual(egress, ['UDP/53', 'TCP/53', 'TCP/6380', 'TCP/6651', 'TCP/8443']);
    assert.equal(byKind(docs, 'Namespace')[0].metadata.name, 'orders');
  });

  it('production compose: replicas, limits, /ready healthcheck, secrets from .env, no published port', () => {
    const compose = parse(files.find((f) => f.path === 'docker-compose.yml')!.content) as Any;
    assert.deepEqual(Object.keys(compose.services), ['cpu-intensive', 'io-intensive']);
    for (const service of Object.values(compose.services) as Any[]) {
      assert.equal(service.ports, undefined);
      assert.deepEqual(service.env_file, ['.env']);
      assert.match(service.healthcheck.test.join(' '), /127\.0\.0\.1:8090\/ready/);
      assert.equal(service.read_only, true);
    }
    assert.equal(compose.services['io-intensive'].deploy.replicas, 3);
    assert.deepEqual(compose.services['cpu-intensive'].deploy.resources.limits, { cpus: '2', memory: '2Gi' });
    assert.equal(compose.configs['base.yml'].file, '../../config/base.yml');
  });

  it('README: Secret keys (no values), apply order, WebSocket broker note, recovery order', () => {
    const readme = files.find((f) => f.path === 'README.md')!.content;
    assert.match(readme, /--from-literal=PULSAR_TOKEN="\$PULSAR_TOKEN"/);
    const order = [
      'Namespace',
      'RBAC',
      'Secret',
      'ConfigMaps',
      'Deployments',
      'Services',
      'HorizontalPod',
      'PodDisruption',
      'NetworkPolicy',
    ];
    const positions = order.map((word) => readme.indexOf(word, readme.indexOf('## Apply order')));
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      'apply order',
    );
    assert.match(readme, /webSocketServiceEnabled=true/);
    const recovery = ['Infrastructure', 'State', 'Workers', 'Health', 'Traffic'].map((w) =>
      readme.indexOf(`${w}:`),
    );
    assert.ok(
      recovery.every((p, i) => p > 0 && (i === 0 || p > recovery[i - 1]!)),
      'recovery order',
    );
  });

  it('never writes a secret value set in the environment, in any file', () => {
    const everything = files.map((f) => f.content).join('\n');
    for (const value of Object.values(SECRETS)) assert.equal(everything.split(value).length - 1, 0, value);
  });

  it('the pod resolves the placeholders: ConfigMap files + settings + Secret load into the production config', () => {
    const [config, settings] = byKind(docs, 'ConfigMap');
    const dir = mkdtempSync(join(tmpdir(), 'promote-pod-'));
    try {
      for (const [name, text] of Object.entries(config.data)) writeFileSync(join(dir, name), text as string);
      const env = { ...settings.data, ...SECRETS };
      const pod = loadConfig(['base.yml', 'production.yml'], { cwd: dir, env, envFile: false }).config;
      assert.equal(pod.transport.pulsar?.brokerServiceUrl, 'pulsar+ssl://pulsar.messaging.svc:6651');
      assert.equal(pod.transport.pulsar?.client?.authentication?.token, SECRETS.PULSAR_TOKEN);
      assert.equal(pod.storage?.redis?.password, SECRETS.REDIS_PASSWORD);
      assert.equal(pod.observability.port, 8090);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is deterministic: same input, byte-identical output', () => {
    assert.deepEqual(promoteApp(), files);
  });

  it('non-secret variables set at promote time reach the settings ConfigMap', () => {
    const promoted = manifests(promoteApp({ ...SECRETS, REDIS_HOST: 'redis-0.storage.svc' }));
    assert.equal(byKind(promoted, 'ConfigMap')[1].data.REDIS_HOST, 'redis-0.storage.svc');
  });
});

describe("promote: the guide's §9.5 example", () => {
  const project = loadProject({
    env: 'production',
    dir: guideFixture,
    variables: { PG_PASSWORD: 'pg-s3cr3t' },
  });
  const files = generateFiles(project, 'k8s', `${guideFixture}/deploy/production`);
  const docs = manifests(files);

  it('generates valid manifests: one worker running everything, secrets as secretKeyRefs', () => {
    for (const doc of docs) assert.doesNotThrow(() => new MODELS[doc.kind]!(doc).validate(), doc.kind);
    const deployments = byKind(docs, 'Deployment');
    assert.deepEqual(
      deployments.map((d) => d.metadata.name),
      ['guide-example-worker'],
    );
    const c = deployments[0].spec.template.spec.containers[0];
    assert.equal(c.args, undefined);
    const secretRefs = c.env.filter((e: Any) => e.valueFrom?.secretKeyRef).map((e: Any) => e.name);
    assert.deepEqual(secretRefs, ['PG_PASSWORD', 'PULSAR_TOKEN']);
    assert.equal(
      files.some((f) => f.content.includes('pg-s3cr3t')),
      false,
    );
    // Egress follows the endpoints: Pulsar 6650 / 8080 and PostgreSQL 5432.
    const egress = byKind(docs, 'NetworkPolicy')[0].spec.egress[1].ports.map((p: Any) => p.port);
    assert.deepEqual(egress, [5432, 6650, 8080]);
  });
});
