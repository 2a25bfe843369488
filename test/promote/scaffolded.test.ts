/**
 * The project `create-infinitic-app --yes` generates, for each storage, promoted as its README says:
 * doctor refuses it until the image is pinned, then passes with the README's exports (the WebSocket
 * warning aside); every generated manifest passes the Kubernetes schema, the compose file the
 * Compose schema, and no secret value set in the environment reaches any file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { runDoctor } from '../../src/doctor/doctor.ts';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { createApp } from '../../src/scaffold/create-app.ts';
import { validateComposeFile } from '../../src/stack/compose-validate.ts';
import { type Any, docsOf, PROMOTED_FILES } from './helpers.ts';

const MODELS = [
  Namespace,
  ServiceAccount,
  Role,
  RoleBinding,
  ConfigMap,
  Deployment,
  Service,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
];

const SECRETS = { PULSAR_TOKEN: 'tok-scaffold-5d1c9e' };
const PASSWORDS = {
  redis: { REDIS_PASSWORD: 'pw-scaffold-a47f02' },
  postgres: { POSTGRES_PASSWORD: 'pw-scaffold-b81e30' },
  mysql: { MYSQL_PASSWORD: 'pw-scaffold-c2d9f4' },
};

/** The `export A=1 B=2` lines of the README's "Deploy to production", as the user would run them. */
function readmeExports(readme: string): Record<string, string> {
  const section = readme.slice(readme.indexOf('## Deploy to production'));
  const exports: Record<string, string> = {};
  for (const [, line] of section.matchAll(/^export (.*)$/gm)) {
    for (const word of line!.replace(/\s+#.*$/, '').split(/\s+/)) {
      const [name, value] = word.split(/=(.*)/s);
      exports[name!] = value!;
    }
  }
  return exports;
}

const root = mkdtempSync(join(tmpdir(), 'promote-scaffolded-'));
after(() => rmSync(root, { recursive: true, force: true }));

for (const storage of ['redis', 'postgres', 'mysql'] as const) {
  describe(`promote: the scaffolded sample project (--storage ${storage})`, async () => {
    const { target: dir } = await createApp({
      flags: { dir: `sample-${storage}`, name: 'sample', storage, yes: true, install: false, git: false },
      cwd: root,
      interactive: false,
      skipVendor: true,
      log: () => {},
    });
    const secrets = { ...SECRETS, ...PASSWORDS[storage] };
    const exported = readmeExports(readFileSync(join(dir, 'README.md'), 'utf8'));
    const { WORKER_IMAGE, ...addresses } = exported;
    const production = (variables: Record<string, string>) =>
      loadProject({ env: 'production', dir, variables });

    it('its README says how to promote, and doctor refuses it until the image is pinned', () => {
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      assert.match(readme, /npx infinitic promote --env production --check/);
      assert.equal(WORKER_IMAGE, 'registry.example.com/sample-worker:1.0.0');
      const storageHost = `${storage.toUpperCase()}_HOST`;
      assert.ok(addresses[storageHost]?.endsWith('.example'), `README exports ${storageHost}`);
      const report = runDoctor(production({ ...addresses, ...secrets }));
      assert.deepEqual(
        report.findings.map((f) => [f.id, f.level]),
        [
          ['PROD008', 'warning'],
          ['PROD015', 'error'],
        ],
      );
      assert.match(report.findings[1]!.message, /sample-worker:latest is not pinned/);
      assert.match(report.findings[1]!.at!, /^config\/production\.yml:\d+:\d+$/);
    });

    it('passes doctor with the README exports set (only the WebSocket warning)', () => {
      // storage TLS on (PROD002) and no secret default in base.yml (PROD005), as generated
      const report = runDoctor(production({ ...exported, ...secrets }));
      assert.deepEqual(
        report.findings.map((f) => f.id),
        ['PROD008'],
      );
      assert.equal(report.ok, true);
    });

    it('generates schema-valid manifests and compose file, without any secret value', () => {
      const project = production({ ...exported, ...secrets });
      const files = generateFiles(project, 'all', join(dir, 'deploy', 'production'));
      assert.deepEqual(
        files.map((f) => f.path),
        PROMOTED_FILES,
      );
      const docs = files.filter((f) => f.path.startsWith('kubernetes/')).flatMap((f) => docsOf(f.content));
      for (const doc of docs as Any[]) {
        // `is` matches apiVersion and kind: a wrong apiVersion finds no model.
        const Model = MODELS.find((m) => m.is(doc));
        assert.ok(Model, `a model for ${doc.apiVersion} ${doc.kind}`);
        assert.doesNotThrow(() => new Model(doc).validate(), `${doc.kind} ${doc.metadata.name}`);
      }
      const [deployment] = docs.filter((d: Any) => d.kind === 'Deployment') as Any[];
      const container = deployment.spec.template.spec.containers[0];
      assert.equal(container.image, WORKER_IMAGE);
      const secretRefs = container.env.filter((e: Any) => e.valueFrom?.secretKeyRef).map((e: Any) => e.name);
      assert.deepEqual(secretRefs, Object.keys(secrets).sort());
      const compose = files.find((f) => f.path === 'docker-compose.yml')!.content;
      assert.deepEqual(validateComposeFile(compose), []);
      const everything = files.map((f) => f.content).join('\n');
      for (const secret of Object.values(secrets))
        assert.equal(everything.split(secret).length - 1, 0, secret);
    });
  });
}
