/**
 * Each storage choice yields a valid configuration for every environment: the generated
 * config/base.yml + config/<env>.yml pass the runtime's own validator (what
 * `infinitic config validate --env <env>` runs), with every variable .env.example lists set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatIssue, listEnvironments, validateConfigFiles } from '@infinitic/runtime';
import { createApp } from '../../src/scaffold/create-app.ts';

const root = mkdtempSync(path.join(tmpdir(), 'scaffold-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

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
