/**
 * `infinitic dev` failure paths, spawned as a user would run them: no Docker engine, a missing
 * image, a busy host port, --embedded (not yet), a bad flag. Each must print one clear line, exit
 * non-zero, show no stack trace, and leave nothing behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import getPort from 'get-port';
import { devCli, requireDocker } from '../support/dev-project.ts';
import { uniqueName } from '../support/services.ts';

const docker = new Docker();
const project = uniqueName('devcli').toLowerCase();
const dir = mkdtempSync(join(tmpdir(), 'dev-cli-'));
let busy: Server;
let busyPort: number;

const cli = (args: string[], env: Record<string, string> = {}) => devCli(dir, args, { env });

function assertOneLineError(stderr: string) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^error: /);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

async function nothingCreated() {
  const filters = { label: [`io.infinitic.project=${project}`] };
  assert.equal((await docker.listContainers({ all: true, filters })).length, 0);
  assert.equal((await docker.listNetworks({ filters })).length, 0);
}

before(async () => {
  await requireDocker(docker, []);
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'dev.yml'),
    `dev:\n  project: ${project}\n  ports: { pulsar: { http: 0, broker: 0 }, redis: { redis: 0 } }\n`,
  );
  busyPort = await getPort();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(busyPort, '127.0.0.1', resolve));
});

after(() => {
  busy?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no Docker engine: one line that says where it looked and points at --embedded', async () => {
  const socket = join(dir, 'closed.sock');
  const { code, stderr } = await cli(['up'], { DOCKER_HOST: `unix://${socket}` });
  assert.equal(code, 1);
  assertOneLineError(stderr);
  assert.match(stderr, new RegExp(`no Docker engine answers at unix://${socket}`));
  assert.match(stderr, /infinitic dev up --embedded/);
});

test('missing image: the error names the image and how to provide it; nothing is created', async () => {
  const image = `local/${project}-nope:1`;
  const { code, stderr } = await cli(['up'], { INFINITIC_REDIS_IMAGE: image });
  assert.equal(code, 1);
  assert.match(
    stderr,
    new RegExp(`image ${image} \\(redis\\) is not on this Docker engine and pulling it failed`),
  );
  assert.match(stderr, /docker load -i/);
  assert.match(stderr, /INFINITIC_REDIS_IMAGE=/);
  assert.doesNotMatch(stderr, /\n\s+at /);
  await nothingCreated();
});

test('busy host port: detected before starting, with a free port proposed; nothing is created', async () => {
  const { code, stderr } = await cli(['up', '--port', `redis.redis=${busyPort}`]);
  assert.equal(code, 1);
  assertOneLineError(stderr);
  const match = new RegExp(
    `host port ${busyPort} \\(redis redis\\) already in use; free instead: infinitic dev up --port redis.redis=(\\d+)`,
  ).exec(stderr);
  assert.ok(match, stderr);
  assert.notEqual(Number(match[1]), busyPort);
  assert.match(stderr, /--free-ports/);
  await nothingCreated();
});

test('--embedded outside a project says so in one line (exit 2)', async () => {
  const { code, stderr } = await cli(['up', '--embedded']);
  assert.equal(code, 2);
  assertOneLineError(stderr);
  assert.match(stderr, /is not a project \(no package\.json\)/);
});

test('a malformed flag is a usage error (exit 64); status of a stopped stack says so', async () => {
  const bad = await cli(['up', '--port', 'pulsar=1']);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /expected service\.port=NUMBER/);
  const status = await cli(['status']);
  assert.equal(status.code, 0);
  assert.match(status.stdout, new RegExp(`no containers for project ${project}`));
});
