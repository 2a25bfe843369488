/**
 * Each storage choice yields a valid configuration for every environment: the generated
 * config/base.yml + config/<env>.yml pass the runtime's own validator (what
 * `infinitic config validate --env <env>` runs), with every variable .env.example lists set.
 * The dev stack's worker gets the local storage password from what it reads (its environment, .env,
 * config/dev.yml); a scoped package name yields Docker image names Docker accepts.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatIssue, listEnvironments, validateConfigFiles } from '@infinitic/runtime';
import { parse } from 'yaml';
import { createApp } from '../../src/scaffold/create-app.ts';
import { containerSpec } from '../../src/stack/container-spec.ts';
import { isDockerReference } from '../../src/stack/image-name.ts';
import { loadStackModel, serviceOf } from '../../src/stack/model.ts';

const root = mkdtempSync(path.join(tmpdir(), 'scaffold-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

const workerOf = (dir: string) => serviceOf(loadStackModel({ projectDir: dir, env: {} }), 'worker');

/** A value for every variable .env.example requires (uncommented lines), shaped like production's. */
function envFromExample(projectDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(projectDir, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (!match) continue;
    const name = match[1]!;
    env[name] = name.endsWith('_URL')
      ? name.includes('BROKER')
        ? 'pulsar+ssl://pulsar.example:6651'
        : 'https://pulsar.example:8443'
      : name.endsWith('_PORT')
        ? '6380'
        : name.endsWith('_SSL')
          ? 'true'
          : `x-${name.toLowerCase()}`;
  }
  return env;
}

for (const storage of ['redis', 'postgres', 'mysql'] as const) {
  describe(`config for --storage ${storage}`, async () => {
    const result = await createApp({
      flags: { dir: storage, storage, yes: true, install: false, git: false },
      cwd: root,
      interactive: false,
      skipVendor: true,
      log: () => {},
    });
    const dir = result.target;

    it('has the four environments', () => {
      assert.deepEqual(listEnvironments(dir), ['dev', 'production', 'staging']);
    });

    for (const envName of ['dev', 'staging', 'production']) {
      it(`${envName}: valid with the variables of .env.example`, () => {
        const files = [path.join(dir, 'config/base.yml'), path.join(dir, `config/${envName}.yml`)];
        const report = validateConfigFiles(files, { env: envFromExample(dir), cwd: dir });
        assert.equal(report.valid, true, report.issues.map(formatIssue).join('\n'));
        assert.ok(report.config?.storage?.[storage], `storage.${storage} configured`);
        assert.equal(report.config?.services[0]?.name, 'HelloService');
        assert.equal(report.config?.workflows[0]?.name, 'HelloWorkflow');
        if (envName === 'dev') assert.equal(report.config?.dev?.replicas, 2, 'dev.replicas (--yes: 2)');
      });
    }

    it('the dev stack worker gets its local password: none set, .env from .env.example, .env set', () => {
      // What `infinitic dev up` gives a worker container: its Env (the model's env over .env) and
      // INFINITIC_CONFIG; the runtime in the container reads nothing else.
      const devPassword = () => {
        const model = loadStackModel({ projectDir: dir, env: {} });
        const spec = containerSpec(model, serviceOf(model, 'worker'), 1, 'id');
        const env = Object.fromEntries((spec.Env ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2)));
        const report = validateConfigFiles(env.INFINITIC_CONFIG!.split(','), {
          env,
          envFile: false,
          cwd: dir,
        });
        assert.equal(report.valid, true, report.issues.map(formatIssue).join('\n'));
        const backend = report.config?.storage?.[storage];
        assert.ok(backend, `storage.${storage} configured`);
        return backend.password;
      };
      const local = { redis: undefined, postgres: 'postgres', mysql: '' }[storage];
      const envFile = path.join(dir, '.env');
      try {
        assert.equal(devPassword(), local, 'no .env');
        copyFileSync(path.join(dir, '.env.example'), envFile);
        assert.equal(devPassword(), local, '.env copied from .env.example');
        if (storage !== 'redis') {
          writeFileSync(envFile, `${storage.toUpperCase()}_PASSWORD=pw-local-3e9a\n`);
          assert.equal(devPassword(), 'pw-local-3e9a', '.env sets the password');
        }
      } finally {
        rmSync(envFile, { force: true });
      }
    });

    it('production without its variables is invalid, naming them', () => {
      const files = [path.join(dir, 'config/base.yml'), path.join(dir, 'config/production.yml')];
      const report = validateConfigFiles(files, { env: {}, cwd: dir });
      assert.equal(report.valid, false);
      const text = report.issues.map(formatIssue).join('\n');
      assert.match(text, /PULSAR_BROKER_SERVICE_URL/);
      assert.match(text, /production\.yml:\d+:\d+/);
    });
  });
}

describe('a scoped package name (@acme/orders) names its images as Docker accepts', async () => {
  const { target: dir } = await createApp({
    flags: { name: '@acme/orders', dir: 'scoped', yes: true, install: false, git: false },
    cwd: root,
    interactive: false,
    skipVendor: true,
    log: () => {},
  });
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');

  it('README, deployment.image, .env.example and docker-compose.yml: one valid repository', () => {
    const readme = read('README.md');
    const fromReadme = readme.match(/[^\s=`]*orders-worker[^\s`]*/g) ?? [];
    assert.ok(fromReadme.length >= 4, fromReadme.join(' '));
    const production = parse(read('config/production.yml'));
    const deploymentDefault = /^\$\{WORKER_IMAGE:-(.+)\}$/.exec(production.deployment.image)?.[1];
    const envExample = /^# WORKER_IMAGE=(.+)$/m.exec(read('.env.example'))?.[1];
    const compose = parse(read('docker-compose.yml')).services.worker.image;
    const images = [...fromReadme, deploymentDefault, envExample, compose];
    for (const image of images) {
      assert.ok(image && isDockerReference(image), `${image} is a Docker reference`);
      // one repository: the dev build (:dev), the local build and the pushed release
      assert.match(image, /^(registry\.example\.com\/)?orders-worker(:(latest|dev|1\.0\.0))?$/);
    }
    assert.equal(compose, workerOf(dir).image);
    assert.doesNotMatch(`${readme}${read('config/production.yml')}${read('.env.example')}`, /@acme\/orders-/);
  });
});
