/** `infinitic config render|validate`, run as a process: output, masking, sources and exit codes. */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../infinitic.ts', import.meta.url));
const overlay = fileURLToPath(new URL('../../../runtime/test/config/valid/overlay', import.meta.url));
const invalid = fileURLToPath(new URL('../../../runtime/test/config/invalid', import.meta.url));

/** Runs the command with a clean environment (the test machine exports PULSAR_* variables). */
function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--conditions=source', main, 'config', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      ...env,
    },
  });
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'never a stack trace');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('infinitic config validate', () => {
  it('exits 0 and names what it validated', () => {
    const { code, stdout } = run(['validate', '--env', 'production', '--dir', overlay]);
    assert.equal(code, 0);
    assert.equal(stdout, 'valid: env production (config/base.yml + config/production.yml)\n');
  });

  it('exits 2 with every problem located, one per line', () => {
    const { code, stderr } = run(['validate', '--config', '71-multiple-errors.yml', '--dir', invalid]);
    assert.equal(code, 2);
    const lines = stderr.trim().split('\n');
    assert.equal(lines[0], 'error: invalid configuration (files 71-multiple-errors.yml, 5 problems):');
    assert.equal(
      lines[1],
      "  71-multiple-errors.yml:2:3 transport.pulsar.namespace: missing required key 'namespace'",
    );
    assert.equal(
      lines[5],
      "  71-multiple-errors.yml:11:12 logging.levle: unknown key 'levle' (did you mean 'level'?)",
    );
  });

  it('--json prints the issues as JSON and still exits 2', () => {
    const { code, stdout } = run([
      'validate',
      '--json',
      '--config',
      '62-unset-variable.yml',
      '--dir',
      invalid,
    ]);
    assert.equal(code, 2);
    const report = JSON.parse(stdout);
    assert.equal(report.valid, false);
    assert.deepEqual(report.issues[0], {
      file: '62-unset-variable.yml',
      line: 6,
      col: 15,
      path: 'storage.redis.password',
      message:
        'variable REDIS_PASSWORD is not set and has no default (write ${REDIS_PASSWORD:-default} to give one)',
    });
  });

  it('an unknown environment exits 2 listing the environments that exist', () => {
    const { code, stderr } = run(['validate', '--env', 'staging', '--dir', overlay]);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /config\/staging\.yml: not found \(environments in .*: production, tenant-acme, tenant-globex\)/,
    );
  });

  it('flag misuse is a usage error (64)', () => {
    assert.equal(run(['validate', '--env', 'production', '--config', 'a.yml', '--dir', overlay]).code, 64);
    const none = run(['validate', '--dir', overlay]);
    assert.equal(none.code, 64);
    assert.match(none.stderr, /environments here: production, tenant-acme, tenant-globex/);
    assert.match(run(['validat']).stderr, /Did you mean validate\?/);
  });
});

describe('infinitic config validate: the mistakes users make', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infinitic-config-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write('ok.yml', 'transport: inMemory\n');
  write('tabs.yml', 'transport:\n\tinMemory: {}\n');
  write('dup.yml', 'transport: inMemory\nname: a\nname: b\n');
  write('quote.yml', 'transport: inMemory\nname: "worker\nlogging: {level: info}\n');
  write('two-docs.yml', 'transport: inMemory\n---\nname: b\n');
  write('bracket.yml', 'transport: inMemory\nservices: [a, b\n');
  mkdirSync(join(dir, 'a-directory.yml'));
  mkdirSync(join(dir, 'config/production.yml'), { recursive: true });
  write('config/base.yml', 'transport: inMemory\n');

  const cases: [string, string[], string][] = [
    [
      'a directory as a file',
      ['--config', 'ok.yml,a-directory.yml'],
      'a-directory.yml: config file is a directory, not a file',
    ],
    [
      'a directory as an environment file',
      ['--env', 'production'],
      'config/production.yml: config file is a directory, not a file',
    ],
    ['a missing environment', ['--env', 'staging'], 'config/staging.yml: not found (environments in'],
    ['tabs', ['--config', 'tabs.yml'], 'tabs.yml:2:1: YAML syntax: Tabs are not allowed as indentation'],
    ['duplicate keys', ['--config', 'dup.yml'], "dup.yml:3:1 name: duplicate key 'name' (first set at 2:1)"],
    [
      'an unclosed quote, at the quote',
      ['--config', 'quote.yml'],
      'quote.yml:2:7: YAML syntax: Missing closing "quote',
    ],
    [
      'several YAML documents in one file',
      ['--config', 'two-docs.yml'],
      'two-docs.yml:2:1: a config file holds one YAML document; this one has 2 (split it into files passed in order)',
    ],
    [
      'an unclosed [, at the bracket',
      ['--config', 'bracket.yml'],
      'bracket.yml:2:11: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  ];
  for (const [what, flags, message] of cases) {
    it(`${what}: exit 2, located, no stack trace`, () => {
      const { code, stderr } = run(['validate', '--dir', dir, ...flags]);
      assert.equal(code, 2, stderr);
      assert.ok(stderr.includes(message), stderr);
    });
  }
});

describe('infinitic config render', () => {
  it('prints the merged YAML with secrets masked', () => {
    const { code, stdout } = run(['render', '--env', 'production', '--dir', overlay]);
    assert.equal(code, 0);
    assert.match(stdout, /^ {4}password: "\*\*\*\*"$/m);
    assert.match(stdout, /^ {8}token: "\*\*\*\*"$/m);
    assert.match(stdout, /^ {4}namespace: production$/m);
    assert.doesNotMatch(stdout, /p@ss word|eyJ\.token/);
  });

  it("--show-sources comments each value with its file:line, env var, placeholder's default or default", () => {
    const { stdout } = run(['render', '--env', 'production', '--dir', overlay, '--show-sources'], {
      REDIS_HOST: 'from-env',
    });
    assert.match(stdout, /^ {4}tenant: orders # config\/base\.yml:6:13$/m);
    assert.match(stdout, /^ {4}host: from-env # env REDIS_HOST \(config\/production\.yml:13:11\)$/m);
    assert.match(
      stdout,
      /^ {4}password: "\*\*\*\*" # \.env REDIS_PASSWORD \(config\/production\.yml:14:15\)$/m,
    );
    assert.match(stdout, /^ {2}port: 8090 # default$/m);
    assert.match(
      stdout,
      /^name: orders-worker # default of \$\{HOSTNAME:-orders-worker\} \(config\/production\.yml:2:7\)$/m,
    );
  });

  it('--show-secrets prints secrets; --keep-placeholders prints ${VAR} as written', () => {
    assert.match(
      run(['render', '--env', 'production', '--dir', overlay, '--show-secrets']).stdout,
      /password: p@ss word/,
    );
    const kept = run(['render', '--env', 'production', '--dir', overlay, '--keep-placeholders']);
    assert.equal(kept.code, 0);
    assert.match(kept.stdout, /token: \$\{PULSAR_TOKEN\}/);
    assert.match(kept.stdout, /brokerServiceUrl: \$\{PULSAR_BROKER_URL\}/);
    assert.equal(
      run(['render', '--env', 'production', '--dir', overlay, '--resolve', '--keep-placeholders']).code,
      64,
    );
  });

  it('--json prints config, sources and placeholder defaults', () => {
    const { stdout } = run([
      'render',
      '--json',
      '--show-sources',
      '--config',
      'config/base.yml,config/tenant-acme.yml',
      '--dir',
      overlay,
    ]);
    const json = JSON.parse(stdout);
    assert.equal(json.config.transport.pulsar.tenant, 'acme');
    assert.equal(json.sources['transport.pulsar.tenant'], 'config/tenant-acme.yml:4:13');
    assert.equal(json.sources['storage.redis.host'], 'config/base.yml:13:11');
    assert.deepEqual(json.placeholderDefaults, {});
    // A placeholder's default: `sources` keeps the position, `placeholderDefaults` names it.
    const production = JSON.parse(
      run(['render', '--json', '--show-sources', '--env', 'production', '--dir', overlay]).stdout,
    );
    assert.equal(production.sources.name, 'config/production.yml:2:7');
    assert.deepEqual(production.placeholderDefaults, { name: ['${HOSTNAME:-orders-worker}'] });
  });

  it('an invalid config exits 2 without rendering', () => {
    const { code, stdout, stderr } = run(['render', '--config', '27-redis-port-zero.yml', '--dir', invalid]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /27-redis-port-zero\.yml:5:11 storage\.redis\.port: Invalid value for 'port': 0/);
  });
});
