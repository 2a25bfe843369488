/**
 * `infinitic dispatch --embedded` and `infinitic dev up --embedded` on a freshly scaffolded project
 * (no Docker): the sample's result, the failure paths (unknown service or method, a task that
 * throws, a project not built), and a foreground embedded worker reached from another process
 * through its loopback dev endpoint, stopped cleanly by SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import getPort from 'get-port';
import { waitFor } from '../support/services.ts';
import { assertOneLineError, CLI, infinitic, scaffoldSample } from './dispatch-helpers.ts';
import { ok } from './scaffold-helpers.ts';

const root = mkdtempSync(path.join(tmpdir(), 'dispatch-embedded-'));
const dir = path.join(root, 'app');
let port: number;

const run = (args: string[], env: Record<string, string> = {}) =>
  infinitic(dir, args, { INFINITIC_HEALTH_PORT: String(port), LOG_LEVEL: '', ...env });

before(async () => {
  port = await getPort();
  await scaffoldSample(dir);
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

  it('SIGTERM stops it cleanly: exit 0, port released', async () => {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping the embedded worker\nembedded worker stopped/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
  });
});
