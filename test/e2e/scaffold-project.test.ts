/**
 * A generated project works on its own: it installs from the vendored tarballs (npm, with the
 * registry for third-party packages only and no unreviewed install scripts), builds, passes its
 * own unit tests (in-memory) and integration test (Pulsar + Redis containers: HelloService and
 * HelloWorkflow), loads under `--conditions=source`, and its vendored `infinitic` CLI runs and
 * validates every environment.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { ok, run, runCreate } from './scaffold-helpers.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const root = mkdtempSync(path.join(tmpdir(), 'scaffold-project-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = path.join(root, 'hello-app');
const npm = (args: string[], timeoutMs = 60_000) => run('npm', args, { cwd: dir, timeoutMs });

describe('generated project (--yes)', { timeout: 480_000 }, () => {
  it('generates and installs (npm install from vendor/)', async () => {
    const created = ok(
      await runCreate(['hello-app', '--yes', '--no-git'], root, 180_000),
      'create-infinitic-app',
    );
    assert.match(created.stdout, /dependencies installed/);
    console.log(`# generate + npm install: ${created.ms} ms`);
    const ls = ok(await npm(['ls', '@infinitic/runtime', '--all']), 'npm ls');
    // one runtime copy, shared by the project and the kit's CLI (overrides)
    assert.match(ls.stdout, /@infinitic\/runtime@0\.1\.0 deduped/);
    const pending = ok(await npm(['approve-scripts', '--allow-scripts-pending']), 'npm approve-scripts');
    assert.match(pending.stdout, /No packages with unreviewed install scripts/);
  });

  it('builds (tsc) and passes its own tests', async () => {
    ok(await npm(['run', 'build']), 'npm run build');
    const test = ok(await npm(['test']), 'npm test');
    assert.match(test.stdout, /# pass [1-9]|ℹ pass [1-9]/);
    assert.match(test.stdout, /ℹ fail 0|# fail 0/);
    assert.match(test.stdout, /HelloWorkflow\.greet runs the sayHello task/);
  });

  it('its runtime and registry load under --conditions=source (the vendored manifests drop it)', async () => {
    const script = [
      "await import('@infinitic/runtime');",
      "await import('@infinitic/runtime/workflow');",
      "const r = await import('./dist/src/registry.js');",
      'console.log(Object.keys(r.services).join(), Object.keys(r.workflows).join());',
    ].join(' ');
    const probe = ok(
      await run(process.execPath, ['--conditions=source', '--input-type=module', '-e', script], {
        cwd: dir,
        timeoutMs: 30_000,
      }),
      'node --conditions=source',
    );
    assert.equal(probe.stdout.trim(), 'HelloService HelloWorkflow');
  });

  it('passes its integration test on Pulsar + Redis containers (the kit preset)', async () => {
    // image overrides (INFINITIC_PULSAR_IMAGE, INFINITIC_REDIS_IMAGE) and TESTCONTAINERS_* come from scripts/test-env
    const result = ok(await npm(['run', 'test:integration'], 300_000), 'npm run test:integration');
    console.log(`# test:integration: ${result.ms} ms`);
    assert.match(result.stdout, /ℹ pass 2\n/);
    assert.match(result.stdout, /ℹ skipped 0\n/);
  });

  it('the vendored infinitic CLI runs', async () => {
    const help = ok(await npm(['exec', '--', 'infinitic', '--help']), 'infinitic --help');
    assert.match(help.stdout, /infinitic <command>/);
  });

  it('`infinitic config validate --env X` accepts every environment', async () => {
    // every variable .env.example requires, as a deployment would set it
    const env: Record<string, string> = {};
    for (const line of readFileSync(path.join(dir, '.env.example'), 'utf8').split('\n')) {
      const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (name)
        env[name] = name.endsWith('_URL')
          ? name.includes('BROKER')
            ? 'pulsar+ssl://p:6651'
            : 'https://p:8443'
          : 'x';
    }
    for (const envName of ['dev', 'staging', 'production']) {
      const result = await run('npx', ['infinitic', 'config', 'validate', '--env', envName], {
        cwd: dir,
        timeoutMs: 30_000,
        env,
      });
      assert.equal(result.code, 0, `${envName}: ${result.stdout}${result.stderr}`);
    }
    const missing = await run('npx', ['infinitic', 'config', 'validate', '--env', 'production'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.equal(missing.code, 2, 'unset production variables are a validation failure');
    assert.match(missing.stdout + missing.stderr, /PULSAR_BROKER_SERVICE_URL/);
  });
});
