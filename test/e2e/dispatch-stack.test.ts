/**
 * The dev-stack end to end, on one scaffolded project (installed, built) and one stack (CI time):
 * `infinitic dev up --replicas 3` on Docker (local images, every host port remapped to a free one)
 * → 50 `HelloWorkflow.greet` dispatches, 50 correct results, work on every replica (its /metrics)
 * → `infinitic workflows list|inspect` read those instances from the stack's storage
 * → the CLI's --json/--no-wait and one-line errors → `dev scale 5` → one replica killed (docker
 * kill), 20 more correct results → `dev status --json`: 5 replicas, the killed one reported, backlog
 * and consumers per topic → `dev scale 5` brings it back; a crashed one is restarted by Docker →
 * `dev down -v` leaves nothing labelled behind.
 *
 * Most dispatches go through the CLI's own stack client in this process (what `infinitic dispatch`
 * runs, minus a Node start per call); a few go through the CLI itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import Docker from 'dockerode';
import { type StackClient, stackClient } from '../../src/cli/commands/dispatch-stack.ts';
import { runDispatch } from '../../src/embedded/dispatch-request.ts';
import { type StackStatus, status } from '../../src/stack/index.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { requireService, uniqueName } from '../support/services.ts';
import { assertOneLineError, counter, infinitic, scaffoldSample } from './dispatch-helpers.ts';
import { ok } from './scaffold-helpers.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const docker = new Docker();
const root = mkdtempSync(path.join(tmpdir(), 'dispatch-stack-'));
const project = uniqueName('dispatch-stack').toLowerCase();
const dir = path.join(root, project);
const labelFlags = ['--label', 'io.infinitic.test=true'];
const filters = { label: [`io.infinitic.project=${project}`] };
const workerFilters = { label: [...filters.label, 'io.infinitic.service=worker'] };
const worker = (n: number) => `${project}-worker-${n}`;
let up = false;
let client: StackClient | undefined;

const cli = (args: string[], timeoutMs = 60_000) => infinitic(dir, args, { LOG_LEVEL: '' }, timeoutMs);

/** `HelloWorkflow.greet(name)` for each name, `concurrency` at a time, through the CLI. */
async function greetViaCli(names: string[], concurrency: number, replicas: number) {
  for (let i = 0; i < names.length; i += concurrency) {
    const batch = names.slice(i, i + concurrency);
    const results = await Promise.all(
      batch.map((name) => cli(['dispatch', 'HelloWorkflow', 'greet', JSON.stringify([name])])),
    );
    results.forEach((result, j) => {
      ok(result, `dispatch HelloWorkflow greet ${batch[j]}`);
      assert.equal(result.stdout, `Hello, ${batch[j]}!\n`);
      assert.match(
        result.stderr,
        new RegExp(
          `HelloWorkflow\\.greet completed .* via dev stack ${project} \\(${replicas} worker replica\\(s\\)\\)`,
        ),
      );
    });
  }
}

/** `HelloWorkflow.greet(name)` for every name at once, through the CLI's stack client. */
async function greetViaClient(names: string[]) {
  client ??= await stackClient(dir, 'dev');
  const outcomes = await Promise.all(
    names.map((name) =>
      runDispatch(client!.client, {
        kind: 'workflow',
        target: 'HelloWorkflow',
        method: 'greet',
        args: [name],
        wait: true,
        timeoutMs: 60_000,
      }),
    ),
  );
  outcomes.forEach((outcome, i) => {
    assert.equal(outcome.status, 'completed', `${names[i]}: ${JSON.stringify(outcome)}`);
    assert.equal((outcome as { result: unknown }).result, `Hello, ${names[i]}!`);
  });
}

/** Each running worker replica's work, from its /metrics. */
async function workPerReplica() {
  const running = await docker.listContainers({ filters: workerFilters });
  const rows = await Promise.all(
    running.map(async (c) => {
      const port = c.Ports.find((p) => p.PrivatePort === 8090 && p.PublicPort)?.PublicPort;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return {
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        tasks: counter(text, 'infinitic_task_success_total', { service: 'HelloService', task: 'sayHello' }),
        steps: counter(text, 'infinitic_workflow_steps_total', { workflow: 'HelloWorkflow' }),
        completed: counter(text, 'infinitic_workflow_ended_total', {
          workflow: 'HelloWorkflow',
          status: 'completed',
        }),
      };
    }),
  );
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `dev status --json` until `until` holds (30 s at most): status probes each replica once with a
 * short timeout, so on a loaded machine one probe may say "not ready" for a moment.
 */
async function statusJson(until: (s: StackStatus) => boolean = () => true): Promise<StackStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s: StackStatus = JSON.parse(ok(await cli(['dev', 'status', '--json']), 'dev status --json').stdout);
    if (until(s) || Date.now() > deadline) return s;
    await setTimeout(500);
  }
}

/** The in-process status once `until` holds (60 s at most). */
async function statusUntil(until: (s: StackStatus) => boolean): Promise<StackStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await status(project, { docker });
    if (until(s) || Date.now() > deadline) return s;
    await setTimeout(200);
  }
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
  await client?.close().catch(() => undefined);
  if (up) await cli(['dev', 'down', '-v', ...labelFlags]).catch(() => undefined);
  await docker
    .getImage(`${project}-worker:dev`)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe('infinitic dev + dispatch on a scaffolded project', () => {
  it('dev up --replicas 3 starts the scaffolded project, with progress lines', async (t) => {
    up = true;
    const result = ok(
      await cli(
        [
          'dev',
          'up',
          '--replicas',
          '3',
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
    const timings = [...result.stderr.split('\n'), ...result.stdout.split('\n')].filter((l) =>
      / ready|ready in |still waiting/.test(l),
    );
    t.diagnostic(timings.join(' | '));
    assert.match(result.stdout, new RegExp(`${worker(3)} +running`));
    assert.match(result.stderr, /^pulsar ready \(/m);
    assert.match(result.stderr, new RegExp(`^${worker(3)} ready \\(`, 'm'));
  });

  it('50 HelloWorkflow.greet dispatches: 50 correct results, every replica did some work', async (t) => {
    const names = Array.from({ length: 50 }, (_, i) => `w${i}`);
    let started = Date.now();
    await greetViaCli(names.slice(0, 3), 3, 3);
    const cliMs = Date.now() - started;
    started = Date.now();
    await greetViaClient(names.slice(3));
    const clientMs = Date.now() - started;
    const work = await workPerReplica();
    const report = JSON.stringify(work);
    t.diagnostic(`3 via the CLI in ${cliMs} ms, 47 via the stack client in ${clientMs} ms; ${report}`);
    assert.equal(work.length, 3, report);
    assert.equal(
      work.reduce((sum, r) => sum + r.completed, 0),
      50,
      `workflows completed per replica: ${report}`,
    );
    assert.equal(
      work.reduce((sum, r) => sum + r.tasks, 0),
      50,
      `HelloService.sayHello per replica: ${report}`,
    );
    assert.ok(
      work.every((r) => r.tasks + r.steps > 0),
      `every replica ran tasks or workflow steps: ${report}`,
    );
  });

  it('infinitic workflows list|inspect read the 50 instances from the stack storage', async () => {
    const listed = ok(
      await cli(['workflows', 'list', '--name', 'HelloWorkflow', '--limit', '100', '--json']),
      'workflows list',
    );
    const list = JSON.parse(listed.stdout) as { workflowId: string; status: string; result: unknown }[];
    assert.equal(list.length, 50, listed.stdout);
    assert.ok(list.every((w) => w.status === 'completed'));
    assert.deepEqual(
      list.map((w) => w.result).sort(),
      Array.from({ length: 50 }, (_, i) => `Hello, w${i}!`).sort(),
    );
    const [first] = list;
    assert.ok(first);
    const inspected = JSON.parse(
      ok(await cli(['workflows', 'inspect', 'HelloWorkflow', first.workflowId, '--json']), 'inspect').stdout,
    );
    assert.equal(inspected.workflowId, first.workflowId);
    assert.equal(inspected.status, 'completed');
    assert.equal(inspected.result, `Hello, ${inspected.args[0]}!`);
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

  it('dev scale 5: two more replicas, each waited for', async () => {
    const result = ok(await cli(['dev', 'scale', '5', ...labelFlags], 120_000), 'dev scale 5');
    assert.match(result.stdout, /^worker: 5 replica\(s\) ready in /);
    assert.match(result.stderr, new RegExp(`^started ${worker(5)}$`, 'm'));
    // the three running replicas are kept as they are
    assert.doesNotMatch(result.stderr, new RegExp(`started ${worker(1)}`));
    assert.equal((await statusUntil((s) => s.ready.worker === 5)).ready.worker, 5);
  });

  it('one replica killed: 20 more correct results; status reports it; scale brings it back', async (t) => {
    await docker.getContainer(worker(2)).kill();
    await greetViaClient(Array.from({ length: 19 }, (_, i) => `k${i}`));
    await greetViaCli(['k19'], 1, 4);

    const busyTopics = ['task-executor:HelloService', 'workflow-engine:HelloWorkflow'];
    const sub = (x: StackStatus, topic: string) =>
      x.pulsar?.topics
        .find((t) => t.topic.endsWith(`/${topic}`))
        ?.subscriptions.find((y) => y.name === `${topic.split(':')[0]}-subscription`);
    // acknowledgements trail the results a little: poll until the backlogs are drained
    const s = await statusJson(
      (x) =>
        x.ready.worker === 4 &&
        x.ready.pulsar === 1 &&
        x.ready.redis === 1 &&
        busyTopics.every((topic) => sub(x, topic)?.backlog === 0),
    );
    const workers = s.replicas.filter((r) => r.service === 'worker');
    assert.deepEqual(
      workers.map((r) => [r.name, r.state, r.ready]),
      [1, 2, 3, 4, 5].map((n) => [worker(n), n === 2 ? 'exited' : 'running', n !== 2]),
    );
    // docker kill is a stop from outside: Docker's restart policy leaves it down (a crash is restarted, below)
    assert.equal(workers[1]?.exitCode, 137);
    assert.equal(s.ready.worker, 4);
    assert.equal(s.ready.pulsar, 1);
    assert.equal(s.ready.redis, 1);
    assert.ok(s.pulsar, 'Pulsar topic stats');
    for (const topic of busyTopics) {
      const stats = sub(s, topic);
      assert.ok(stats, `${topic} in ${JSON.stringify(s.pulsar.topics)}`);
      assert.equal(stats.backlog, 0, `${topic} backlog`);
      // one consumer per live replica (the killed one's went with its connection)
      assert.equal(stats.consumers, 4, `${topic} consumers`);
    }
    // dispatch drops its response topics' subscriptions and dead-letter topics when it is done
    const leftovers = s.pulsar.topics.filter(
      (t) =>
        /\/response:dispatch-/.test(t.topic) &&
        !t.topic.includes(`-${process.pid}-`) &&
        (t.subscriptions.length > 0 || t.topic.endsWith('-DLQ')),
    );
    assert.deepEqual(leftovers, []);

    const text = ok(await cli(['dev', 'status']), 'dev status').stdout;
    t.diagnostic(`dev status:\n${text}`);
    assert.match(text, new RegExp(`${worker(2)} +exited \\(137\\)`));
    assert.match(text, new RegExp(`not running: ${worker(2)};.*infinitic dev scale N`));

    const scaled = ok(await cli(['dev', 'scale', '5', ...labelFlags], 120_000), 'dev scale 5 again');
    assert.match(scaled.stderr, new RegExp(`^started ${worker(2)}$`, 'm'));
    assert.equal((await statusUntil((s) => s.ready.worker === 5)).ready.worker, 5);
  });

  it('a replica that crashes is restarted by Docker and reported', async () => {
    // SIGKILL every process but the container's init: the worker dies from inside, as on a crash
    const exec = await docker.getContainer(worker(4)).exec({ Cmd: ['sh', '-c', 'kill -9 -1'] });
    await exec.start({});
    const s = await statusUntil((x) => x.ready.worker === 5 && x.replicas.some((r) => r.restarts > 0));
    const restarted = s.replicas.find((r) => r.name === worker(4));
    assert.equal(restarted?.restarts, 1, JSON.stringify(restarted));
    assert.equal(restarted?.ready, true);
    await greetViaClient(['after-crash']);
  });

  it('dev down -v leaves no container, network or volume behind', async () => {
    await client?.close();
    client = undefined;
    ok(await cli(['dev', 'down', '-v', ...labelFlags]), 'dev down');
    up = false;
    assert.equal((await docker.listContainers({ all: true, filters })).length, 0);
    assert.equal((await docker.listNetworks({ filters })).length, 0);
    assert.equal((await docker.listVolumes({ filters })).Volumes?.length ?? 0, 0);
    const stopped = await cli(['dispatch', 'HelloService', 'sayHello', '["x"]']);
    assert.equal(stopped.code, 1);
    assertOneLineError(stopped, new RegExp(`the dev stack of ${project} is not running .*infinitic dev up`));
    // each command points at its own other targets
    assert.match(stopped.stderr, /dispatch \.\.\. --embedded/);
    const unread = await cli(['workflows', 'list']);
    assert.equal(unread.code, 1);
    assertOneLineError(
      unread,
      new RegExp(`the dev stack of ${project} is not running \\(no Redis container\\).*\`--env NAME\``),
    );
  });
});
