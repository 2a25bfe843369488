// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose placeholders are what these tests are about
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWorkflowSource } from '@infinitic/runtime';
import { parse } from 'yaml';
import { isDockerReference } from '../stack/image-name.ts';
import { TEMPLATES_DIR } from './kit-paths.ts';
import { renderTemplates } from './render-templates.ts';

const data = (over: Record<string, unknown> = {}) => ({
  name: 'orders-worker',
  workerImage: 'orders-worker-worker',
  storage: 'redis',
  storagePartial: 'storage-redis',
  tenant: 'acme',
  namespace: 'orders',
  hello: true,
  replicas: 3,
  dbName: 'orders_worker',
  packageManager: 'npm',
  runtime: { spec: 'file:vendor/infinitic-runtime-0.1.0.tgz' },
  kit: { spec: 'file:vendor/create-infinitic-app-0.1.0.tgz' },
  ...over,
});

const text = (files: ReturnType<typeof renderTemplates>, path: string) => {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `${path} rendered`);
  return file.content.toString('utf8');
};

describe('renderTemplates', () => {
  it('renames dotfiles, strips .hbs and leaves no handlebars behind', () => {
    const files = renderTemplates(TEMPLATES_DIR, data());
    const paths = files.map((f) => f.path);
    for (const p of [
      '.gitignore',
      '.dockerignore',
      'package.json',
      'Dockerfile',
      'certs/.gitkeep',
      'README.md',
    ]) {
      assert.ok(paths.includes(p), p);
    }
    assert.ok(!paths.some((p) => p.endsWith('.hbs') || p.includes('/_') || p.startsWith('_')));
    for (const f of files) assert.doesNotMatch(f.content.toString('utf8'), /\{\{|\}\}/, f.path);
  });

  it('package.json pins the vendored tarballs and routes the kit runtime dependency to the same one', () => {
    const pkg = JSON.parse(text(renderTemplates(TEMPLATES_DIR, data()), 'package.json'));
    assert.equal(pkg.name, 'orders-worker');
    assert.equal(pkg.dependencies['@infinitic/runtime'], 'file:vendor/infinitic-runtime-0.1.0.tgz');
    assert.equal(pkg.devDependencies['create-infinitic-app'], 'file:vendor/create-infinitic-app-0.1.0.tgz');
    assert.equal(pkg.overrides['@infinitic/runtime'], '$@infinitic/runtime');
    assert.equal(pkg.allowScripts['cpu-features'], false);
  });

  for (const storage of ['redis', 'postgres', 'mysql']) {
    it(`${storage}: every environment config is YAML with one ${storage} storage block`, () => {
      const files = renderTemplates(TEMPLATES_DIR, data({ storage, storagePartial: `storage-${storage}` }));
      const base = parse(text(files, 'config/base.yml'));
      assert.deepEqual(Object.keys(base.storage), [storage]);
      assert.equal(base.transport.pulsar.tenant, '${PULSAR_TENANT:-acme}');
      assert.equal(base.transport.pulsar.namespace, '${PULSAR_NAMESPACE:-orders}');
      assert.equal(base.services[0].name, 'HelloService');
      assert.equal(base.workflows[0].name, 'HelloWorkflow');
      for (const env of ['staging', 'production']) {
        const overlay = parse(text(files, `config/${env}.yml`));
        assert.deepEqual(Object.keys(overlay.storage).sort(), ['compression', storage].sort(), env);
        // secrets only as placeholders
        assert.match(String(overlay.transport.pulsar.client.authentication.token), /^\$\{PULSAR_TOKEN\}$/);
        assert.match(String(overlay.storage[storage].password), /^\$\{[A-Z_]+\}$/);
        // doctor PROD002: TLS on unless the variable turns it off
        assert.equal(overlay.storage[storage].ssl, `\${${storage.toUpperCase()}_SSL:-true}`, env);
      }
      // doctor PROD005: every environment inherits base.yml, so no secret default there
      assert.match(String(base.storage[storage].password ?? ''), /^(\$\{[A-Z_]+(:-)?\})?$/);
      const dev = parse(text(files, 'config/dev.yml'));
      // the local password lives in dev.yml (postgres' conventional one; redis and mysql have none)
      assert.deepEqual(
        dev.storage,
        storage === 'postgres' ? { postgres: { password: '${POSTGRES_PASSWORD:-postgres}' } } : undefined,
      );
      assert.deepEqual(dev.dev, { replicas: 3 }, 'the dev stack section `infinitic dev up` reads');
      assert.deepEqual(
        dev.workflows.map((w: { name: string }) => w.name),
        ['HelloWorkflow'],
      );
    });
  }

  it('every image name rendered is the workerImage value, never the npm name', () => {
    const files = renderTemplates(
      TEMPLATES_DIR,
      data({ name: '@acme/orders', workerImage: 'orders-worker' }),
    );
    const readme = text(files, 'README.md');
    // docker build -t / run / push, and WORKER_IMAGE=
    const images = readme.match(/[^\s=]*orders-worker[^\s]*/g) ?? [];
    assert.ok(images.length >= 4, images.join(' '));
    for (const image of images) assert.ok(isDockerReference(image), image);
    assert.doesNotMatch(readme, /@acme\/orders-worker/);
    const production = parse(text(files, 'config/production.yml'));
    assert.equal(production.deployment.image, '${WORKER_IMAGE:-orders-worker:latest}');
  });

  it('the hello sample registers HelloWorkflow, a deterministic workflow over HelloService', () => {
    const files = renderTemplates(TEMPLATES_DIR, data());
    const workflow = text(files, 'src/workflows/hello-workflow.ts');
    assert.match(workflow, /export class HelloWorkflow extends Workflow/);
    assert.match(workflow, /async greet\(name: string\): Promise<string>/);
    assert.deepEqual(checkWorkflowSource(workflow, 'src/workflows/hello-workflow.ts'), []);
    const registry = text(files, 'src/registry.ts');
    assert.match(registry, /import \{ HelloWorkflow \} from '\.\/workflows\/hello-workflow\.ts'/);
    assert.match(registry, /workflows: WorkflowDefinitions = \{\n {2}HelloWorkflow,\n\}/);
    for (const path of ['src/client.ts', 'test/worker.test.ts', 'test/integration/stack.test.ts']) {
      assert.match(
        text(files, path),
        /client\.workflow<HelloWorkflow>\('HelloWorkflow'[\s\S]*\.greet\(/,
        path,
      );
    }
    assert.match(text(files, 'README.md'), /infinitic dispatch HelloWorkflow greet/);
  });

  it('--sample none leaves the service and workflow files out and keeps a compiling skeleton', () => {
    const files = renderTemplates(TEMPLATES_DIR, data({ hello: false }));
    const paths = files.map((f) => f.path);
    assert.ok(!paths.some((p) => p.startsWith('src/services/') || p.startsWith('src/workflows/')));
    assert.doesNotMatch(text(files, 'src/worker.ts'), /HelloService/);
    for (const f of files) assert.doesNotMatch(f.content.toString('utf8'), /Hello(Workflow|Service)/, f.path);
    const base = parse(text(files, 'config/base.yml'));
    assert.equal(base.services, undefined);
    assert.equal(base.workflows, undefined);
    assert.deepEqual(parse(text(files, 'config/dev.yml')).dev, { replicas: 3 });
  });

  it('the Dockerfile keeps the CA bundle in the build stage and never disables TLS checks', () => {
    const dockerfile = text(renderTemplates(TEMPLATES_DIR, data()), 'Dockerfile');
    const [build, final] = dockerfile.split(/^FROM .*$/m).slice(1);
    assert.match(build!, /NODE_EXTRA_CA_CERTS/);
    assert.doesNotMatch(final!, /certs|NODE_EXTRA_CA_CERTS/);
    assert.match(final!, /^USER node$/m);
    assert.match(final!, /^HEALTHCHECK .*\n.*\/ready/m);
    assert.doesNotMatch(dockerfile, /strict-ssl|NODE_TLS_REJECT_UNAUTHORIZED|apk |apt-get /);
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-alpine$/m);
  });
});
