/**
 * The real end to end: a scaffolded project (installed, built) brought up with
 * `infinitic dev up --replicas 2` on Docker (local images, every host port remapped to a free one),
 * then `infinitic dispatch` from the host: 10 correct results spread over both replicas, a failing
 * task's one-line error, an unknown service; `dev down -v` leaves nothing labelled behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { requireService, uniqueName } from '../support/services.ts';
import { assertOneLineError, infinitic, scaffoldSample } from './dispatch-helpers.ts';
import { ok } from './scaffold-helpers.ts';

const docker = new Docker();
const root = mkdtempSync(path.join(tmpdir(), 'dispatch-stack-'));
const project = uniqueName('dispatch-stack').toLowerCase();
const dir = path.join(root, project);
const labelFlags = ['--label', 'io.infinitic.test=true'];
const filters = { label: [`io.infinitic.project=${project}`] };
let up = false;

const cli = (args: string[], timeoutMs = 60_000) => infinitic(dir, args, { LOG_LEVEL: '' }, timeoutMs);

async function workerMetrics(): Promise<number[]> {
  const workers = await docker.listContainers({
    filters: { label: [...filters.label, 'io.infinitic.service=worker'] },
  });
  return Promise.all(
    workers.map(async (c) => {
      const port = c.Ports.find((p) => p.PrivatePort === 8090 && p.PublicPort)?.PublicPort;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = /^infinitic_task_success_total\{service="HelloService",task="sayHello"\} (\d+)$/m.exec(
        text,
      );
      return Number(line?.[1] ?? 0);
    }),
  );
}

before(async () => {
  await requireService('Docker engine', 'DOCKER_HOST or /var/run/docker.sock', () => docker.ping());
  for (const image of [
    process.env.INFINITIC_PULSAR_IMAGE,
    process.env.INFINITIC_REDIS_IMAGE,
    process.env.NODE_IMAGE,
  ]) {
    assert.ok(image, 'eval "$(bash scripts/test-env env)" sets the local image variables');
    await docker.getImage(image).inspect();
  }
  await scaffoldSample(dir);
});

after(async () => {
  if (up) await cli(['dev', 'down', '-v', ...labelFlags]).catch(() => undefined);
  await docker
    .getImage(`${project}-worker:dev`)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe('infinitic dispatch on the dev stack', () => {
  it('dev up --replicas 2 starts the scaffolded project', async () => {
    up = true;
    const result = ok(
      await cli(
        [
          'dev',
          'up',
          '--replicas',
          '2',
          '--detach',
          '--port',
          'pulsar.http=0',
          '--port',
          'pulsar.broker=0',
          '--port',
          'redis.redis=0',
          ...labelFlags,
        ],
        240_000,
      ),
      'infinitic dev up',
    );
    assert.match(result.stdout, new RegExp(`${project}-worker-2 +running`));
  });

  it('10 dispatches give 10 correct results, spread over both replicas', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const results = [];
    for (let i = 0; i < names.length; i += 5) {
      results.push(
        ...(await Promise.all(
          names
            .slice(i, i + 5)
            .map((name) => cli(['dispatch', 'HelloService', 'sayHello', JSON.stringify([name])])),
        )),
      );
    }
    results.forEach((result, i) => {
      ok(result, `dispatch ${names[i]}`);
      assert.equal(result.stdout, `Hello, ${names[i]}!\n`);
      assert.match(result.stderr, new RegExp(`via dev stack ${project} \\(2 worker replica\\(s\\)\\)`));
    });
    const perReplica = await workerMetrics();
    assert.equal(perReplica.length, 2);
    assert.equal(
      perReplica.reduce((a, b) => a + b, 0),
      10,
      `successes per replica: ${perReplica}`,
    );
    assert.ok(
      perReplica.every((n) => n > 0),
      `both replicas ran tasks: ${perReplica}`,
    );
  });

  it('--json and --no-wait', async () => {
    const json = JSON.parse(
      ok(await cli(['dispatch', 'HelloService', 'sayHello', '["j"]', '--json']), 'json').stdout,
    );
    assert.equal(json.status, 'completed');
    assert.equal(json.result, 'Hello, j!');
    const noWait = ok(await cli(['dispatch', 'HelloService', 'sayHello', '["w"]', '--no-wait']), 'no-wait');
    assert.match(noWait.stdout, /^[0-9a-f-]{36}\n$/);
  });

  it('a task that throws: one line with error name, message and attempt (exit 1)', async () => {
    const result = await cli(['dispatch', 'FlakyService', 'explode', '["cake"]']);
    assert.equal(result.code, 1);
    assertOneLineError(
      result,
      /FlakyService\.explode \(task [0-9a-f-]+\) failed on attempt 3 in .*: RangeError: no cake today$/,
    );
  });

  it('an unknown service is refused before sending (exit 2)', async () => {
    const result = await cli(['dispatch', 'NopeService', 'x']);
    assert.equal(result.code, 2);
    assertOneLineError(result, /unknown service 'NopeService': .*registers HelloService, FlakyService/);
  });

  it('dev down -v leaves no container, network or volume behind', async () => {
    ok(await cli(['dev', 'down', '-v', ...labelFlags]), 'dev down');
    up = false;
    assert.equal((await docker.listContainers({ all: true, filters })).length, 0);
    assert.equal((await docker.listNetworks({ filters })).length, 0);
    assert.equal((await docker.listVolumes({ filters })).Volumes?.length ?? 0, 0);
    const stopped = await cli(['dispatch', 'HelloService', 'sayHello', '["x"]']);
    assert.equal(stopped.code, 1);
    assertOneLineError(stopped, new RegExp(`the dev stack of ${project} is not running .*infinitic dev up`));
  });
});
