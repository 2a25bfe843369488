/**
 * `infinitic dispatch --embedded` and `infinitic dev up --embedded` on a freshly scaffolded project
 * (no Docker): the sample's result, the failure paths (unknown service or method, a task that
 * throws, a project not built), and a foreground embedded worker reached from another process
 * through its loopback dev endpoint, stopped cleanly by SIGTERM. While it runs, `infinitic workflows
 * list|inspect` read its workflow instances (a ChecklistWorkflow added to the sample) the same way.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import getPort from 'get-port';
import { waitFor } from '../support/services.ts';
import { assertOneLineError, CLI, infinitic, scaffoldSample } from './dispatch-helpers.ts';
import { ok, run as runCommand } from './scaffold-helpers.ts';

const root = mkdtempSync(path.join(tmpdir(), 'dispatch-embedded-'));
const dir = path.join(root, 'app');
let port: number;

const run = (args: string[], env: Record<string, string> = {}) =>
  infinitic(dir, args, { INFINITIC_HEALTH_PORT: String(port), LOG_LEVEL: '', ...env });

/** A workflow with an instance for every state: completed, running (awaiting a signal), failed, and a tagged child. */
const CHECKLIST_WORKFLOW = `import { Workflow } from '@infinitic/runtime/workflow';
import type { HelloService } from '../services/hello-service.ts';

export class ChecklistWorkflow extends Workflow {
  #hello = this.service<HelloService>('HelloService');
  #flaky = this.service<{ explode(what: string): Promise<string> }>('FlakyService');

  async greet(name: string): Promise<string> {
    return await this.#hello.sayHello(name);
  }

  async approve(name: string): Promise<string> {
    const ok = await this.channel<boolean>('approval').receive({ timeoutMs: 600_000 });
    return name + ': ' + ok;
  }

  async explode(what: string): Promise<string> {
    return await this.#flaky.explode(what);
  }

  async delegate(name: string): Promise<string> {
    return await this.workflow<ChecklistWorkflow>('ChecklistWorkflow', { tags: ['vip'] }).greet(name);
  }
}
`;

/** Registers ChecklistWorkflow in the sample (whatever workflows it already has) and rebuilds. */
async function addChecklistWorkflow(): Promise<void> {
  mkdirSync(path.join(dir, 'src/workflows'), { recursive: true });
  writeFileSync(path.join(dir, 'src/workflows/checklist-workflow.ts'), CHECKLIST_WORKFLOW);
  const registry = path.join(dir, 'src/registry.ts');
  const source = readFileSync(registry, 'utf8');
  const patched = source.replace(/(export const workflows\b[^=]*=\s*\{)/, '$1\n  ChecklistWorkflow,');
  assert.notEqual(patched, source, 'src/registry.ts exports `workflows = {...}`');
  writeFileSync(
    registry,
    `import { ChecklistWorkflow } from './workflows/checklist-workflow.ts';\n${patched}`,
  );
  ok(await runCommand('npm', ['run', 'build'], { cwd: dir, timeoutMs: 60_000 }), 'npm run build');
}

before(async () => {
  port = await getPort();
  await scaffoldSample(dir);
  await addChecklistWorkflow();
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('infinitic dispatch --embedded', () => {
  it("prints the sample's result and exits 0", async () => {
    const result = ok(
      await run(['dispatch', 'HelloService', 'sayHello', '["world"]', '--embedded']),
      'dispatch',
    );
    assert.equal(result.stdout, 'Hello, world!\n');
    assert.match(result.stderr, /HelloService\.sayHello completed in \d+ ms via embedded/);
  });

  it('--json prints the outcome', async () => {
    const result = ok(
      await run(['dispatch', 'HelloService', 'sayHello', '["Ada"]', '--embedded', '--json']),
      'json',
    );
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.result, 'Hello, Ada!');
    assert.equal(outcome.kind, 'service');
    assert.match(outcome.id, /^[0-9a-f-]{36}$/);
  });

  it('an unknown service or method is a one-line error naming what exists (exit 2)', async () => {
    const service = await run(['dispatch', 'NopeService', 'sayHello', '--embedded']);
    assert.equal(service.code, 2);
    assertOneLineError(service, /unknown service 'NopeService': .* registers HelloService, FlakyService/);
    const method = await run(['dispatch', 'HelloService', 'sayBye', '--embedded']);
    assert.equal(method.code, 2);
    assertOneLineError(method, /unknown method 'sayBye' of service HelloService \(methods: sayHello\)/);
  });

  it('a task that throws: error name, message and last attempt on one line (exit 1)', async () => {
    const result = await run(['dispatch', 'FlakyService', 'explode', '["cake"]', '--embedded']);
    assert.equal(result.code, 1);
    assertOneLineError(
      result,
      /FlakyService\.explode \(task [0-9a-f-]+\) failed on attempt 3 .*: RangeError: no cake today$/,
    );
    assert.equal(result.stdout, '');
  });

  it('bad arguments are a usage error (exit 64)', async () => {
    const result = await run(['dispatch', 'HelloService', 'sayHello', 'world', '--embedded']);
    assert.equal(result.code, 64);
    assertOneLineError(result, /arguments must be a JSON array/);
  });

  it('a project not built: a clear message telling to run npm run build', async () => {
    const unbuilt = path.join(root, 'unbuilt');
    mkdirSync(path.join(unbuilt, 'src'), { recursive: true });
    writeFileSync(path.join(unbuilt, 'package.json'), '{"name":"unbuilt","type":"module"}\n');
    writeFileSync(path.join(unbuilt, 'src/registry.ts'), 'export const services = {};\n');
    const result = await run(['dispatch', 'HelloService', 'sayHello', '--embedded', '--dir', unbuilt]);
    assert.equal(result.code, 1);
    assertOneLineError(
      result,
      /dist\/src\/registry\.js not found \(src\/registry\.ts is not built\): run `npm run build` in .*unbuilt first/,
    );
  });
});

describe('infinitic dev up --embedded', () => {
  let child: ChildProcess;
  let stderr = '';
  let stdout = '';
  let exited: Promise<number | null>;

  before(async () => {
    const { NODE_TEST_CONTEXT: _nested, ...env } = process.env;
    child = spawn(process.execPath, ['--conditions=source', CLI, 'dev', 'up', '--embedded'], {
      cwd: dir,
      env: { ...env, INFINITIC_HEALTH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c) => {
      stdout += c;
    });
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(
      `embedded worker ready on 127.0.0.1:${port}`,
      async () => ((await fetch(`http://127.0.0.1:${port}/ready`)).ok ? true : undefined),
      20_000,
    );
    // the banner is printed once the worker has checked its own routes, just after /ready answers
    await waitFor('the ready banner', async () => (/ready: +http/.test(stderr) ? true : undefined), 10_000);
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves /health, /ready and /metrics on the observability port, loopback only', async () => {
    assert.match(stderr, /embedded worker of app running in this process/);
    assert.match(stderr, new RegExp(`ready: +http://127\\.0\\.0\\.1:${port}/ready`));
    const ready = (await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as {
      ready: boolean;
      transport: { kind: string };
    };
    assert.equal(ready.ready, true);
    assert.equal(ready.transport.kind, 'inMemory');
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /infinitic_task/);
    assert.match(stdout, /"msg":"worker started"/, 'JSON logs on stdout');
  });

  it('infinitic dispatch from another process reaches it', async () => {
    const result = ok(await run(['dispatch', 'HelloService', 'sayHello', '["Grace"]']), 'dispatch');
    assert.equal(result.stdout, 'Hello, Grace!\n');
    assert.match(result.stderr, new RegExp(`via embedded worker on 127\\.0\\.0\\.1:${port}`));
    const noWait = ok(await run(['dispatch', 'HelloService', 'sayHello', '["x"]', '--no-wait']), 'no-wait');
    assert.match(noWait.stdout, /^[0-9a-f-]{36}\n$/);
    const failed = await run(['dispatch', 'FlakyService', 'explode', '["pie"]']);
    assert.equal(failed.code, 1);
    assertOneLineError(failed, /failed on attempt 3 .*RangeError: no pie today/);
    const unknown = await run(['dispatch', 'Nope', 'x']);
    assert.equal(unknown.code, 2);
    assertOneLineError(unknown, /unknown service 'Nope'/);
  });

  it('the dev endpoint refuses requests a web page could send', async () => {
    const body = JSON.stringify({
      kind: 'service',
      target: 'HelloService',
      method: 'sayHello',
      args: ['x'],
      wait: true,
      timeoutMs: 1000,
    });
    const withOrigin = await fetch(`http://127.0.0.1:${port}/dev/dispatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body,
    });
    assert.equal(withOrigin.status, 403);
    const form = await fetch(`http://127.0.0.1:${port}/dev/dispatch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    assert.equal(form.status, 403);
  });

  it('infinitic workflows list|inspect read its instances through the dev endpoint', async () => {
    const started = (method: string, arg: string, flags: string[] = []) =>
      run(['dispatch', 'ChecklistWorkflow', method, JSON.stringify([arg]), ...flags]);
    ok(await started('greet', 'Ada'), 'greet');
    ok(await started('delegate', 'Bob'), 'delegate');
    const approve = ok(await started('approve', 'Cy', ['--no-wait']), 'approve').stdout.trim();
    const explode = await started('explode', 'cake', ['--json']);
    assert.equal(explode.code, 1, explode.stderr);
    const failedId = JSON.parse(explode.stdout).id as string;

    const all = ok(await run(['workflows', 'list', '--json']), 'list --json');
    const list = JSON.parse(all.stdout) as { workflowId: string; status: string; tags: string[] }[];
    const count = (status: string) => list.filter((w) => w.status === status).length;
    assert.deepEqual([list.length, count('completed'), count('running'), count('failed')], [5, 3, 1, 1]);
    assert.equal(all.stderr, '', 'JSON only: no note');
    assert.deepEqual(
      list.slice(0, 2).map((w) => w.workflowId),
      [failedId, approve],
      'newest first',
    );
    const cut = ok(await run(['workflows', 'list', '--limit', '2']), 'list --limit 2');
    assert.match(cut.stdout, /\nshowing 2 of 5 instances, newest first \(--limit to change\)\n$/);

    const running = ok(await run(['workflows', 'list', '--status', 'running']), 'list --status');
    const lines = running.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID +NAME +VERSION +STATUS +STARTED +UPDATED +TAGS$/);
    assert.equal(lines.length, 2, running.stdout);
    assert.match(lines[1] ?? '', new RegExp(`^${approve} +ChecklistWorkflow +0 +running +\\d{4}-`));
    assert.match(
      running.stderr,
      new RegExp(
        `1 instance\\(s\\) of .*ChecklistWorkflow.* in the embedded worker on 127\\.0\\.0\\.1:${port}`,
      ),
    );

    const vip = JSON.parse(
      ok(await run(['workflows', 'list', '--tag', 'vip', '--embedded', '--json']), 'tag').stdout,
    ) as { tags: string[]; status: string }[];
    assert.deepEqual(
      vip.map((w) => [w.tags, w.status]),
      [[['vip'], 'completed']],
    );

    const waiting = ok(await run(['workflows', 'inspect', 'ChecklistWorkflow', approve]), 'inspect');
    assert.match(waiting.stdout, new RegExp(`^ChecklistWorkflow ${approve}: running$`, 'm'));
    assert.match(waiting.stdout, /^ {2}method: {3}approve\("Cy"\)$/m);
    assert.match(waiting.stdout, /^ {2}pending: {2}#0 receive 'approval', timeout at \S+Z \(timer #1\)$/m);
    assert.match(waiting.stdout, /^ {4}#0 receive 'approval'$/m);
    const failed = JSON.parse(
      ok(await run(['workflows', 'inspect', 'ChecklistWorkflow', failedId, '--json']), 'inspect --json')
        .stdout,
    );
    assert.equal(failed.status, 'failed');
    assert.match(failed.error.message, /no cake today/);
    assert.deepEqual(failed.history.byKind, { task: 1 });

    const unknown = await run(['workflows', 'inspect', 'ChecklistWorkflow', 'nope']);
    assert.equal(unknown.code, 1);
    assertOneLineError(
      unknown,
      new RegExp(
        `no instance 'nope' of workflow ChecklistWorkflow in the embedded worker on 127\\.0\\.0\\.1:${port}`,
      ),
    );
  });

  it('its dev routes answer only local programs (no Origin, loopback Host)', async () => {
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/dev/workflows/ChecklistWorkflow', '/dev/info']) {
      assert.equal(await get(path, {}), 200, path);
      assert.equal(await get(path, { origin: 'http://evil.example' }), 403, path);
      assert.equal(await get(path, { host: `evil.example:${port}` }), 403, `${path}: DNS rebinding`);
    }
    // the worker's own routes stay open to any local peer (probes send any Host)
    assert.equal(await get('/health', { host: `evil.example:${port}` }), 200);
  });

  it('SIGTERM stops it cleanly: exit 0, port released', async () => {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping the embedded worker\nembedded worker stopped/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
  });

  it('once it stopped, workflows --embedded (and the dev stack fallback) say how to start one', async () => {
    const embedded = await run(['workflows', 'list', '--embedded']);
    assert.equal(embedded.code, 1);
    assertOneLineError(
      embedded,
      new RegExp(
        `no embedded worker of app answers on 127\\.0\\.0\\.1:${port} .*\`infinitic dev up --embedded\``,
      ),
    );
    const fallback = await run(['workflows', 'list']);
    assert.equal(fallback.code, 1);
    assertOneLineError(fallback, /dev stack .*`infinitic dev up`.*`--env NAME`/);
  });
});
