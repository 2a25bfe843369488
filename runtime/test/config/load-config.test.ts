/** Loading details: flag parsing, object configs, merge rules, anchors, .env handling, secrets rule. */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ConfigError,
  isSecretPath,
  loadConfig,
  parseConfig,
  parseConfigFlag,
  validateConfigFiles,
} from '../../src/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'infinitic-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const load = (files: string[], env: Record<string, string> = {}) => loadConfig(files, { cwd: dir, env });

describe('parseConfigFlag', () => {
  it('splits comma lists, repeated flags and trims', () => {
    assert.deepEqual(parseConfigFlag('a.yml,b.yml'), ['a.yml', 'b.yml']);
    assert.deepEqual(parseConfigFlag(['a.yml', ' b.yml , c.yml']), ['a.yml', 'b.yml', 'c.yml']);
    assert.deepEqual(parseConfigFlag(undefined), []);
    assert.deepEqual(parseConfigFlag(',,'), []);
  });
});

describe('parseConfig (in-memory objects)', () => {
  it('applies defaults and reports located issues with origin <object>', () => {
    const config = parseConfig({ transport: 'inMemory', services: [{ name: 'A' }] });
    assert.equal(config.transport.shutdownGracePeriodSeconds, 5);
    assert.equal(config.observability.port, 8090);
    assert.throws(
      () => parseConfig({ transport: 'inMemory', servces: [] }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes("<object> servces: unknown key 'servces' (did you mean 'services'?)"),
    );
  });
});

describe('merge rules', () => {
  const base = write(
    'base.yml',
    'transport: inMemory\nname: base\nservices:\n  - name: A\n    executor: {concurrency: 2, retry: {maximumRetries: 1, ignoredExceptions: [X, Y]}}\nobservability: {port: 9000}\n',
  );

  it('null never erases an earlier value; scalars and plain lists are replaced', () => {
    const over = write(
      'over.yml',
      'name:\nservices:\n  - name: A\n    executor: {retry: {ignoredExceptions: [Z]}}\n',
    );
    const { config } = load([base, over]);
    assert.equal(config.name, 'base');
    assert.deepEqual(config.services[0]?.executor?.retry?.ignoredExceptions, ['Z']);
    assert.equal(config.services[0]?.executor?.retry?.maximumRetries, 1);
    assert.equal(config.services[0]?.executor?.concurrency, 2);
  });

  it('workflows and worker groups merge by name too; new names are appended in order', () => {
    const a = write(
      'groups-a.yml',
      'transport: inMemory\nworkflows:\n  - name: W\n    executor: {concurrency: 2, checkMode: strict}\ndeployment:\n  workerGroups:\n    - {name: cpu, services: [A], replicas: 2}\n    - {name: io, services: [B]}\n',
    );
    const b = write(
      'groups-b.yml',
      'workflows:\n  - name: W\n    executor: {concurrency: 8}\ndeployment:\n  workerGroups:\n    - {name: io, replicas: 5}\n    - {name: engines, workflows: [W]}\n',
    );
    const { config } = load([a, b]);
    assert.deepEqual(
      [config.workflows[0]?.executor?.concurrency, config.workflows[0]?.executor?.checkMode],
      [8, 'strict'],
    );
    assert.deepEqual(
      config.deployment.workerGroups.map((g) => [g.name, g.services, g.workflows, g.replicas]),
      [
        ['cpu', ['A'], [], 2],
        ['io', ['B'], [], 5],
        ['engines', [], ['W'], undefined],
      ],
    );
  });

  it('a list whose items lack names is replaced whole, not merged', () => {
    const a = write(
      'lists-a.yml',
      'transport:\n  pulsar:\n    brokerServiceUrl: pulsar://a\n    webServiceUrl: http://a\n    tenant: t\n    namespace: n\n    allowedClusters: [a, b]\n',
    );
    const b = write('lists-b.yml', 'transport:\n  pulsar:\n    allowedClusters: [c]\n');
    assert.deepEqual(load([a, b]).config.transport.pulsar?.allowedClusters, ['c']);
  });

  it('a map replaces a scalar and the reverse (later wins)', () => {
    const over = write(
      'transport-over.yml',
      'transport:\n  pulsar: {brokerServiceUrl: pulsar://x, webServiceUrl: http://x, tenant: t, namespace: n}\n',
    );
    assert.equal(load([base, over]).config.transport.pulsar?.tenant, 't');
    const back = write('transport-back.yml', 'transport: inMemory\n');
    assert.equal(load([base, over, back]).config.transport.inMemory !== undefined, true);
  });

  it('YAML anchors, aliases and merge keys work', () => {
    const file = write(
      'anchors.yml',
      [
        'transport: inMemory',
        'services:',
        '  - name: A',
        '    executor: &exec {concurrency: 3, timeoutSeconds: 5}',
        '  - name: B',
        '    executor:',
        '      <<: *exec',
        '      concurrency: 7',
        '  - name: C',
        '    executor: *exec',
        '',
      ].join('\n'),
    );
    const { config } = load([file]);
    assert.deepEqual(
      config.services.map((s) => [s.executor?.concurrency, s.executor?.timeoutSeconds]),
      [
        [3, 5],
        [7, 5],
        [3, 5],
      ],
    );
  });

  it('a placeholder overridden by a later file is not an error; one that survives is', () => {
    const a = write('secret-base.yml', 'transport: inMemory\nname: ${WORKER_NAME}\n');
    const b = write('secret-dev.yml', 'name: dev-worker\n');
    assert.equal(load([a, b]).config.name, 'dev-worker');
    const report = validateConfigFiles([b, a], { cwd: dir, env: {} });
    assert.deepEqual(
      report.issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.path}`),
      ['secret-base.yml:2:7 name'],
    );
  });

  it('an empty file is an empty layer', () => {
    const empty = write('empty.yml', '# nothing yet\n');
    assert.equal(load([base, empty]).config.name, 'base');
  });
});

describe('files and .env', () => {
  it('a missing config file or env file is reported by name', () => {
    const report = validateConfigFiles(['nope.yml'], { cwd: dir, env: {}, envFile: 'missing.env' });
    assert.deepEqual(
      report.issues.map((i) => `${i.file}: ${i.message}`),
      ['missing.env: env file not found', 'nope.yml: config file not found'],
    );
    assert.equal(new ConfigError(report.issues).message.split('\n')[1], 'missing.env: env file not found');
  });

  it('a directory given as a config file or env file is reported by name, never thrown', () => {
    mkdirSync(join(dir, 'conf-dir.yml'));
    mkdirSync(join(dir, 'env-dir'));
    const report = validateConfigFiles(['conf-dir.yml'], { cwd: dir, env: {}, envFile: 'env-dir' });
    assert.deepEqual(
      report.issues.map((i) => `${i.file}: ${i.message}`),
      [
        'env-dir: env file is a directory, not a file',
        'conf-dir.yml: config file is a directory, not a file',
      ],
    );
  });

  it('a default .env that is a directory (a Python virtualenv) is not read', () => {
    const sub = mkdtempSync(join(dir, 'venv-'));
    mkdirSync(join(sub, '.env'));
    writeFileSync(join(sub, 'w.yml'), 'transport: inMemory\nname: ${NAME:-plain}\n');
    const loaded = loadConfig(['w.yml'], { cwd: sub, env: {} });
    assert.equal(loaded.config.name, 'plain');
    assert.equal(loaded.envFile, undefined);
  });

  it('.env in cwd is read by default; the process environment wins', () => {
    const sub = mkdtempSync(join(dir, 'project-'));
    writeFileSync(join(sub, '.env'), 'NAME_FROM_ENV=dotenv\nPORT=9100\n');
    writeFileSync(
      join(sub, 'w.yml'),
      'transport: inMemory\nname: ${NAME_FROM_ENV}\nobservability:\n  port: ${PORT}\n',
    );
    const fromFile = loadConfig(['w.yml'], { cwd: sub, env: {} });
    assert.equal(fromFile.config.name, 'dotenv');
    assert.equal(fromFile.config.observability.port, 9100);
    assert.deepEqual(fromFile.sourceOf('name'), {
      kind: 'dotenv',
      variable: 'NAME_FROM_ENV',
      envFile: '.env',
      file: 'w.yml',
      line: 2,
      col: 7,
    });
    assert.equal(
      loadConfig(['w.yml'], { cwd: sub, env: { NAME_FROM_ENV: 'process' } }).config.name,
      'process',
    );
  });

  it('$$ escapes survive into the value', () => {
    const file = write('escape.yml', 'transport: inMemory\nname: "cost-$$5-${UNSET:-x}"\n');
    assert.equal(load([file]).config.name, 'cost-$5-x');
  });
});

describe('isSecretPath', () => {
  it('matches passwords, tokens, private keys and secret-like names only', () => {
    for (const yes of [
      'storage.redis.password',
      'transport.pulsar.client.authentication.token',
      'transport.pulsar.client.authentication.privateKey',
      'transport.pulsar.client.tlsTrustStorePassword',
      'transport.pulsar.client.socks5ProxyPassword',
      'x.clientSecret',
      'x.credentials',
      'x.apiKey',
      'x.key',
    ]) {
      assert.equal(isSecretPath(yes), true, yes);
    }
    for (const no of [
      'transport.pulsar.client.tlsKeyFilePath',
      'storage.postgres.keySetTable',
      'storage.cache.keyValue',
      'transport.pulsar.client.authentication.keyId',
      'transport.pulsar.producer.encryptionKey',
      'storage.redis.username',
    ]) {
      assert.equal(isSecretPath(no), false, no);
    }
    assert.equal(isSecretPath(['services', 0, 'password']), true);
  });
});
