/**
 * `infinitic workflows list|inspect --config a.yml,b.yml` (and `--env NAME`) on real infrastructure:
 * a worker started from the same layered config runs workflows on Pulsar (a fresh tenant) with
 * Redis storage; the CLI, in another process, reads them back from the storage that config names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type InfiniticClient, InfiniticWorker, PulsarWsTransport } from '@infinitic/runtime';
import { Workflow } from '@infinitic/runtime/workflow';
import { Redis } from 'ioredis';
import { assertOneLineError, infinitic } from '../e2e/dispatch-helpers.ts';
import { ok } from '../e2e/scaffold-helpers.ts';
import { services, uniqueName } from '../support/services.ts';

const root = mkdtempSync(path.join(tmpdir(), 'workflows-cli-'));
const tenant = uniqueName('wf-cli');
// storage is shared with other runs: a name of our own keeps their instances out of our lists
const NAME = `CliWorkflow${process.pid}x${Date.now().toString(36)}`;
const FILES = 'config/base.yml,config/ci.yml';
const web = new URL(services.pulsarAdminUrl);
const redisUrl = new URL(services.redisUrl);

class Greeter {
  greet(name: string) {
    return `Hello, ${name}!`;
  }
}

class CliWorkflow extends Workflow {
  #greeter = this.service<Greeter>('Greeter');

  async greet(name: string): Promise<string> {
    return await this.#greeter.greet(name);
  }

  async approve(): Promise<unknown> {
    return await this.channel('approval').receive({ timeoutMs: 600_000 });
  }
}

let worker: InfiniticWorker;
let client: InfiniticClient;
const ids: Record<string, string> = {};

const cli = (args: string[]) => infinitic(root, ['workflows', ...args]);

before(async () => {
  mkdirSync(path.join(root, 'config'));
  writeFileSync(
    path.join(root, 'config/base.yml'),
    [
      'transport:',
      '  pulsar:',
      `    brokerServiceUrl: pulsar://${web.hostname}:6650`,
      `    webServiceUrl: ${web.origin}`,
      `    tenant: ${tenant}`,
      '    namespace: ci',
      'logging:',
      '  level: warn',
      'services:',
      '  - name: Greeter',
      '    executor: { concurrency: 2 }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(root, 'config/ci.yml'),
    [
      'storage:',
      '  redis:',
      `    host: ${redisUrl.hostname}`,
      `    port: \${REDIS_PORT:-${redisUrl.port || 6379}}`,
      `    keyPrefix: '${NAME}:'`, // every key of this run (task results too) goes in after()
      'workflows:',
      `  - name: ${NAME}`,
      '    executor: { concurrency: 2 }',
      '',
    ].join('\n'),
  );
  const provisioner = new PulsarWsTransport({ webServiceUrl: web.origin, tenant, namespace: 'ci' });
  await provisioner.provision();
  await provisioner.close(0);
  worker = await InfiniticWorker.fromConfig(
    FILES.split(',').map((f) => path.join(root, f)),
    { services: { Greeter: new Greeter() }, workflows: { [NAME]: CliWorkflow } },
  );
  await worker.start();
  client = worker.newClient();
  for (const who of ['Ada', 'Bob']) {
    const handle = await client.dispatchWorkflow<string>(NAME, 'greet', [who], { tags: [who.toLowerCase()] });
    assert.equal(await handle.result({ timeoutMs: 30_000 }), `Hello, ${who}!`);
    ids[who] = handle.workflowId;
  }
  ids.waiting = (await client.dispatchWorkflow(NAME, 'approve', [], { tags: ['ada'] })).workflowId;
  // the start is applied asynchronously: wait until storage shows the instance
  for (let i = 0; i < 200 && !(await client.getWorkflow(NAME, ids.waiting)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  await client?.close();
  await worker?.close();
  const redis = new Redis(services.redisUrl);
  try {
    const keys = await redis.keys(`${NAME}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  const admin = new PulsarWsTransport({ webServiceUrl: web.origin, tenant, namespace: 'ci' });
  await admin.admin.deleteNamespace(tenant, 'ci').catch(() => {});
  await admin.admin.deleteTenant(tenant).catch(() => {});
  await admin.close(0);
  rmSync(root, { recursive: true, force: true });
});

describe('infinitic workflows --config (Pulsar + Redis)', () => {
  it("lists the config's workflows from its storage, filtered by status and tag", async () => {
    const all = JSON.parse(ok(await cli(['list', '--config', FILES, '--json']), 'list').stdout) as {
      workflowId: string;
      status: string;
    }[];
    assert.deepEqual(
      all.map((w) => [w.workflowId, w.status]),
      [
        [ids.waiting, 'running'],
        [ids.Bob, 'completed'],
        [ids.Ada, 'completed'],
      ],
      'newest first',
    );
    const cut = ok(await cli(['list', '--config', FILES, '--limit', '2']), 'list --limit 2');
    assert.match(
      cut.stdout,
      new RegExp(
        `^ID .*\\n${ids.waiting} .*\\n${ids.Bob} .*\\nshowing 2 of 3 instances, newest first \\(--limit to change\\)\\n$`,
      ),
    );
    const running = ok(await cli(['list', '--env', 'ci', '--status', 'running']), 'list --env');
    assert.match(
      running.stdout,
      new RegExp(`^ID .*\\n${ids.waiting} +${NAME} +0 +running +\\S+ +\\S+ +ada\\n$`),
    );
    assert.match(running.stderr, /1 instance\(s\) of .* in the storage of env ci\n$/);
    const tagged = JSON.parse(
      ok(await cli(['list', '--config', FILES, '--name', NAME, '--tag', 'ada', '--json']), 'tag').stdout,
    ) as { workflowId: string }[];
    assert.deepEqual(tagged.map((w) => w.workflowId).sort(), [ids.Ada, ids.waiting].sort());
  });

  it('inspects one instance: pending commands, result; an unknown id is exit 1', async () => {
    const waiting = ok(await cli(['inspect', NAME, ids.waiting ?? '', '--config', FILES]), 'inspect');
    assert.match(waiting.stdout, /: running\n/);
    // a receive with a timeout: pending is the receive, with its timer as its timeout
    assert.match(waiting.stdout, /^ {2}pending: {2}#0 receive 'approval', timeout at \S+Z \(timer #1\)$/m);
    assert.match(
      waiting.stdout,
      /^ {2}history: {2}2 entries: 2 commands \(receive 1, timer 1\), 0 events\n {4}#0 receive 'approval'\n {4}#1 timer until \S+Z$/m,
    );
    const done = JSON.parse(
      ok(await cli(['inspect', NAME, ids.Bob ?? '', '--env', 'ci', '--json']), 'inspect --json').stdout,
    );
    assert.equal(done.status, 'completed');
    assert.equal(done.result, 'Hello, Bob!');
    const unknown = await cli(['inspect', NAME, 'nope', '--config', FILES]);
    assert.equal(unknown.code, 1);
    assertOneLineError(
      unknown,
      new RegExp(
        `no instance 'nope' of workflow ${NAME} in the storage of files config/base.yml, config/ci.yml`,
      ),
    );
  });

  it('config problems are one-line errors: unreachable storage, in-memory storage, --env with --config', async () => {
    const down = await infinitic(root, ['workflows', 'list', '--env', 'ci'], { REDIS_PORT: '1' });
    assert.equal(down.code, 1);
    assertOneLineError(down, /redis at [\w.]+:1: connect failed/);
    writeFileSync(path.join(root, 'config/mem.yml'), 'storage:\n  inMemory: {}\n');
    const memory = await cli(['list', '--config', 'config/base.yml,config/mem.yml']);
    assert.equal(memory.code, 2);
    assertOneLineError(memory, /uses in-memory storage: .* --embedded/);
    const both = await cli(['list', '--env', 'ci', '--config', FILES]);
    assert.equal(both.code, 64);
  });
});
