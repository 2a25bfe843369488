/**
 * The dev loop when the worker is broken: `dev up` fails fast with the replica's last output,
 * removes the worker containers it created but keeps healthy Pulsar and Redis; after the fix,
 * `dev up` keeps them and only starts the workers.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { devCli, removeDevProject, requireDocker } from '../support/dev-project.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { uniqueName } from '../support/services.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const docker = new Docker();
const project = uniqueName('devfail').toLowerCase();
const dir = mkdtempSync(join(tmpdir(), 'stack-failure-'));
const dockerfile = join(dir, 'Dockerfile');

const cli = (...args: string[]) => devCli(dir, args, { timeoutMs: 150_000 }); // up builds an image and starts Pulsar: ~100 s on a busy 2-core machine

async function running(service: string) {
  const filters = { label: [`io.infinitic.project=${project}`, `io.infinitic.service=${service}`] };
  return (await docker.listContainers({ all: true, filters })).map((c) => c.State);
}

before(async () => {
  await requireDocker(docker);
  cpSync('test/fixtures/dev-worker', dir, { recursive: true });
  writeFileSync(
    join(dir, 'config', 'dev.yml'),
    `dev:\n  project: ${project}\n  replicas: 2\n  ports: { pulsar: { http: 0, broker: 0 }, redis: { redis: 0 } }\n`,
  );
});

after(() => removeDevProject(docker, project, dir));

test('a crashing worker fails up with its last output; Pulsar and Redis stay; the fixed worker starts alone', async () => {
  const good = readFileSync(dockerfile, 'utf8');
  writeFileSync(
    dockerfile,
    good.replace(
      'CMD ["node", "server.mjs"]',
      'CMD ["node", "-e", "console.log(\'boom: cannot load config\'); process.exit(2)"]',
    ),
  );
  const failed = await cli('up', '--detach');
  assert.equal(failed.code, 1);
  const error = failed.stderr.trim().split('\n').at(-1) ?? '';
  assert.match(error, new RegExp(`^error: container ${project}-worker-\\d (keeps crashing|stopped) `));
  assert.match(error, /last output: boom: cannot load config/);
  assert.match(error, /pulsar and redis keep running/);
  assert.doesNotMatch(failed.stderr, /\n\s+at /);
  assert.deepEqual(await running('worker'), []);
  assert.deepEqual(await running('pulsar'), ['running']);
  assert.deepEqual(await running('redis'), ['running']);

  writeFileSync(dockerfile, good);
  const fixed = await cli('up', '--detach', '--json');
  assert.equal(fixed.code, 0, fixed.stderr);
  const result = JSON.parse(fixed.stdout);
  assert.deepEqual(result.changes.kept.sort(), [`${project}-pulsar-1`, `${project}-redis-1`]);
  assert.deepEqual(result.changes.created.sort(), [`${project}-worker-1`, `${project}-worker-2`]);
  assert.equal(result.ready.worker, 2);
});
