/**
 * `infinitic promote` and `infinitic doctor` run as processes: exit codes (0 ok, 2 failed check /
 * drift / invalid config, 64 usage), output, the doctor gate and --force, --check, and no stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scaledTimeout } from '../support/processes.ts';
import { appFixture, copyFixture, guideFixture, patchYaml, root } from './helpers.ts';

const main = fileURLToPath(new URL('../../src/cli/infinitic.ts', import.meta.url));
const SECRETS = { PULSAR_TOKEN: 's3cr3t-pulsar-e2e-91b7', REDIS_PASSWORD: 's3cr3t-redis-e2e-0c55' };

/** Runs the CLI with a clean environment plus `env` (the test machine exports PULSAR_* variables). */
function run(args: string[], env: Record<string, string> = SECRETS) {
  const result = spawnSync(process.execPath, ['--conditions=source', main, ...args], {
    cwd: root,
    encoding: 'utf8',
    // generous: a loaded 2-core CI machine took over 30 s for one run; a hang still ends here
    timeout: scaledTimeout(60_000),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'never a stack trace');
  assert.equal(result.error, undefined, `infinitic ${args.join(' ')}: ${result.error}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readAll(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe('infinitic promote', () => {
  it('writes the artifacts (exit 0), then --check is clean (0) and detects drift with a diff (2)', () => {
    using copy = copyFixture(appFixture);
    const out = join(copy.dir, 'deploy', 'production');
    const written = run(['promote', '--env', 'production', '--dir', copy.dir]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /wrote kubernetes\/03-deployment\.yaml/);
    assert.equal(written.stderr, '', 'a compliant project has no finding');
    const files = readAll(out);
    for (const secret of Object.values(SECRETS)) assert.equal(files.split(secret).length - 1, 0);

    const clean = run(['promote', '--check', '--dir', copy.dir]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /^up to date: 11 files in /);

    // Someone edits a generated file by hand.
    const deployment = join(out, 'kubernetes', '03-deployment.yaml');
    writeFileSync(deployment, readFileSync(deployment, 'utf8').replace('maxSurge: 1', 'maxSurge: 5'));
    const drift = run(['promote', '--check', '--dir', copy.dir]);
    assert.equal(drift.code, 2);
    assert.match(
      drift.stdout,
      /^--- a\/kubernetes\/03-deployment\.yaml\n\+\+\+ b\/kubernetes\/03-deployment\.yaml\n@@ /m,
    );
    assert.match(drift.stdout, /^-\s+maxSurge: 5$/m);
    assert.match(drift.stdout, /^\+\s+maxSurge: 1$/m);
    assert.match(drift.stderr, /1 file\(s\) in .* differ .*03-deployment\.yaml \(changed\)/);
    assert.match(readFileSync(deployment, 'utf8'), /maxSurge: 5/, '--check writes nothing');
  });

  it('--check reports a config change as drift, and promote removes manifests no longer generated', () => {
    using copy = copyFixture(appFixture);
    assert.equal(run(['promote', '--dir', copy.dir, '--format', 'k8s']).code, 0);
    patchYaml(join(copy.dir, 'config', 'production.yml'), {
      set: [['deployment.autoscaling.enabled', false]],
    });
    const drift = run(['promote', '--check', '--force', '--dir', copy.dir, '--format', 'k8s']);
    assert.equal(drift.code, 2);
    assert.match(drift.stderr, /05-hpa\.yaml \(stale\)/);
    assert.match(drift.stdout, /^\+\s+replicas: 2$/m);
    const forced = run(['promote', '--force', '--dir', copy.dir, '--format', 'k8s']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /removed kubernetes\/05-hpa\.yaml/);
    assert.equal(existsSync(join(copy.dir, 'deploy', 'production', 'kubernetes', '05-hpa.yaml')), false);
  });

  it('refuses when the production checklist fails (exit 2, every finding), unless --force', () => {
    using copy = copyFixture(guideFixture);
    const out = join(copy.dir, 'out');
    const refused = run(['promote', '--dir', copy.dir, '--out', out]);
    assert.equal(refused.code, 2);
    for (const id of ['PROD001', 'PROD002', 'PROD007', 'PROD015', 'PROD016'])
      assert.match(refused.stderr, new RegExp(id));
    assert.match(refused.stderr, /refusing to promote env production: .* pass --force/);
    assert.equal(existsSync(out), false, 'nothing written');

    const forced = run(['promote', '--dir', copy.dir, '--out', out, '--format', 'compose', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /PROD001/, 'findings still shown');
    assert.deepEqual(readdirSync(out).sort(), ['README.md', 'docker-compose.yml', 'pulsar']);
  });

  it('an invalid config exits 2 with the located problem; a bad flag exits 64', () => {
    using copy = copyFixture(appFixture);
    patchYaml(join(copy.dir, 'config', 'production.yml'), { set: [['deployment.replicaz', 3]] });
    const invalid = run(['promote', '--dir', copy.dir]);
    assert.equal(invalid.code, 2);
    assert.match(
      invalid.stderr,
      /config\/production\.yml:\d+:\d+ deployment\.replicaz: unknown key 'replicaz' \(did you mean 'replicas'\?\)/,
    );
    const usage = run(['promote', '--format', 'helm', '--dir', copy.dir]);
    assert.equal(usage.code, 64);
    assert.match(usage.stderr, /Invalid values/);
  });

  it('user mistakes end in one clear line and a non-zero exit: syntax error, unknown or bad --env, broken package.json', () => {
    using copy = copyFixture(appFixture);
    const production = join(copy.dir, 'config', 'production.yml');
    const valid = readFileSync(production, 'utf8');
    writeFileSync(production, `${valid}\nlogging: [unclosed\n`);
    const syntax = run(['promote', '--dir', copy.dir]);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /^config\/production\.yml:\d+:\d+: YAML syntax: /m);

    const unknown = run(['promote', '--env', 'nope', '--dir', copy.dir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /config\/nope\.yml: not found \(environments in .*: production\)/);
    for (const env of ['', '../production']) {
      const bad = run(['doctor', '--env', env, '--dir', copy.dir]);
      assert.equal(bad.code, 64, `--env '${env}'`);
      assert.match(bad.stderr, /^error: --env '.*' is not an environment name/);
    }

    writeFileSync(production, valid);
    writeFileSync(join(copy.dir, 'package.json'), '{"name": ');
    const pkg = run(['doctor', '--dir', copy.dir]);
    assert.equal(pkg.code, 2);
    assert.match(pkg.stderr, /cannot read the project name:\npackage\.json: invalid JSON/);
  });

  it('--out that is a file, or has a file in the way, is refused before anything is written', () => {
    using copy = copyFixture(appFixture);
    const file = join(copy.dir, 'not-a-dir');
    writeFileSync(file, 'keep me');
    for (const out of [file, join(file, 'sub')]) {
      for (const extra of [[], ['--check']]) {
        const refused = run(['promote', '--dir', copy.dir, '--out', out, ...extra]);
        assert.equal(refused.code, 64, `--out ${out} ${extra.join(' ')}`);
        assert.match(refused.stderr, /^error: --out .*: .*not-a-dir is a file, not a directory$/m);
        assert.equal(refused.stdout, '');
      }
    }
    assert.equal(readFileSync(file, 'utf8'), 'keep me');

    // A file where promote puts a directory (kubernetes/): the file system error, said in one line.
    const out = join(copy.dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'kubernetes'), '');
    const blocked = run(['promote', '--dir', copy.dir, '--out', out]);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /^error: cannot write to .*out: E[A-Z]+: .*out\/kubernetes'$/m);
    assert.doesNotMatch(blocked.stderr, /unexpected error/);
    const check = run(['promote', '--check', '--dir', copy.dir, '--out', out]);
    assert.equal(check.code, 2, 'every file reported missing, no crash');
    assert.match(check.stderr, /03-deployment\.yaml \(missing\)/);
  });
});

describe('infinitic doctor', () => {
  it('exit 0 on the compliant project, 2 with every finding on the guide example', () => {
    const ok = run(['doctor', '--dir', appFixture]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /passed 17 checks/);
    const bad = run(['doctor', '--env', 'production', '--dir', guideFixture]);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /8 failures, 1 warning/);
    assert.match(
      bad.stdout,
      /PROD016 error: fixed worker name 'orders-worker-1'.*\(config\/base\.yml:3:7\)\n\s+fix: /,
    );
  });

  it('--json prints the findings as JSON and still exits 2', () => {
    const { code, stdout } = run(['doctor', '--json', '--dir', guideFixture]);
    assert.equal(code, 2);
    const report = JSON.parse(stdout);
    assert.equal(report.ok, false);
    assert.ok(report.findings.every((f: { id: string; fix: string }) => /^PROD\d{3}$/.test(f.id) && f.fix));
    assert.ok(
      report.findings.some((f: { id: string; level: string }) => f.id === 'PROD008' && f.level === 'warning'),
    );
  });
});
