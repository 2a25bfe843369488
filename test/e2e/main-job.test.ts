/**
 * The kit's main job, `scripts/start` (`npm start`), run end to end in embedded mode into a
 * temporary directory: step headers, the scaffolded and built sample, the results of the sample's
 * task and workflow from the embedded worker, timings. Also: a foreign non-empty directory is refused with one line.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI } from './dispatch-helpers.ts';
import { KIT, ok, run } from './scaffold-helpers.ts';

const root = mkdtempSync(path.join(tmpdir(), 'main-job-'));
const START = path.join(KIT, 'scripts/start');
// The kit is built by the test command before the tests; the CLI runs from source so this checks
// the current code (and works before `dispatch` is registered in the built bin).
const env = {
  SKIP_KIT_BUILD: '1',
  INFINITIC_CLI: `${process.execPath} --conditions=source ${CLI}`,
  LOG_LEVEL: '',
};

after(() => rmSync(root, { recursive: true, force: true }));

describe('scripts/start', () => {
  it('--embedded: scaffolds, builds and runs the sample end to end, with step headers and timings', async () => {
    const dir = path.join(root, 'sample-app');
    const result = ok(
      await run('bash', [START, '--embedded', dir], { cwd: root, timeoutMs: 180_000, env }),
      'scripts/start',
    );
    const out = result.stdout;
    for (const header of [
      '==> 1. Node 24 toolchain',
      '==> 2. kit: install and build',
      `==> 3. scaffold ${dir}`,
      '==> 4. build the project',
      '==> 5. choose: dev stack on Docker, or embedded',
      '==> 6. dispatch the sample (embedded)',
    ]) {
      assert.ok(out.includes(header), `missing "${header}" in:\n${out}`);
    }
    assert.match(out, /embedded mode: --embedded given/);
    assert.match(
      out,
      /\$ infinitic dispatch HelloService sayHello '\["world"\]' --embedded\nHello, world!\n/,
    );
    // the sample's workflow, registered in src/registry.ts, runs the same task durably
    assert.match(
      out,
      /\$ infinitic dispatch HelloWorkflow greet '\["world"\]' --kind workflow --embedded\nHello, world!\n/,
    );
    assert.match(out, /next: .*npx infinitic dispatch HelloWorkflow greet/);
    assert.match(out, /timings:\n( {2}\d\. .+ +\d+\.\d s\n){6} {2}total +\d+\.\d s/);
    assert.match(out, new RegExp(`main job done \\(embedded\\): the project is in ${dir}`));
    assert.ok(existsSync(path.join(dir, 'dist/src/registry.js')), 'the project is built');
    assert.ok(existsSync(path.join(dir, '.infinitic-start')), 'marked as made by scripts/start');
  });

  it('refuses a non-empty directory it did not make, in one line, before doing anything there', async () => {
    const dir = path.join(root, 'someone-elses');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const result = await run('bash', [START, '--embedded', dir], { cwd: root, timeoutMs: 120_000, env });
    assert.equal(result.code, 1);
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(
      last,
      new RegExp(
        `^start: FAILED at step 3 \\(scaffold ${dir}\\): ${dir} exists and was not made by scripts/start`,
      ),
    );
    assert.ok(!existsSync(path.join(dir, 'package.json')), 'nothing written');
  });

  it('an unknown option is a usage error (exit 64)', async () => {
    const result = await run('bash', [START, '--nope'], { cwd: root, timeoutMs: 10_000, env });
    assert.equal(result.code, 64);
    assert.match(result.stderr, /^start: unknown option --nope/);
  });
});
