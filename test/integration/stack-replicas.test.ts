/**
 * Worker replicas on the real Docker engine, with the fixture project test/fixtures/dev-worker
 * (a Node HTTP server answering /health and /ready like the runtime's worker): `dev up --replicas 3`,
 * `dev scale 5`, a killed replica repaired by `up`, a crashed one restarted by Docker, `status --json`,
 * per-replica logs, the host CA bundle given to the build stage only, and `down -v`.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { loadStackModel, renderComposeFile } from '../../src/stack/index.ts';
import { removeDevProject, requireDocker } from '../support/dev-project.ts';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { scaledTimeout } from '../support/processes.ts';
import { TEST_LABEL, uniqueName, waitFor } from '../support/services.ts';
import { composeDisagreements } from './stack-agreement.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const run = promisify(execFile);
const docker = new Docker();
const project = uniqueName('devrep').toLowerCase();
const dir = mkdtempSync(join(tmpdir(), 'stack-replicas-'));
const label = ['--label', 'io.infinitic.test=true'];

async function cli(...args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=source', 'src/cli/infinitic.ts', 'dev', ...args, '--dir', dir],
    { timeout: scaledTimeout(150_000) }, // up builds an image and starts Pulsar: ~100 s on a busy 2-core machine
  );
  return stdout;
}
interface Replica {
  id: string;
  name: string;
  service: string;
  state: string;
  ports: Record<string, number>;
}
interface Status {
  ready: Record<string, number>;
  replicas: Replica[];
}
const statusJson = async (): Promise<Status> => JSON.parse(await cli('status', '--json'));
const workers = (status: Status): Replica[] => status.replicas.filter((r) => r.service === 'worker');
const readyWorkers = (n: number) =>
  waitFor(
    `${n} ready worker replicas`,
    async () => {
      const status = await statusJson();
      return status.ready.worker === n ? status : undefined;
    },
    30_000,
  );

before(async () => {
  await requireDocker(docker);
  cpSync('test/fixtures/dev-worker', dir, { recursive: true });
  writeFileSync(
    join(dir, 'config', 'dev.yml'),
    [
      'dev:',
      `  project: ${project}`,
      '  replicas: 2',
      '  ports: { pulsar: { http: 0, broker: 0 }, redis: { redis: 0 } }',
      '  env: { GREETING: hello }',
      `  caBundle: ${join(dir, 'host-ca.pem')}`,
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'host-ca.pem'),
    '-----BEGIN CERTIFICATE-----\n(test bundle)\n-----END CERTIFICATE-----\n',
  );
});

after(() => removeDevProject(docker, project, dir));

test('dev up --replicas 3 builds the worker image and waits until 3 replicas are ready', async () => {
  const result: Status & { timings: { workersReadyMs: number } } = JSON.parse(
    await cli('up', '--replicas', '3', '--detach', '--json', ...label),
  );
  assert.deepEqual(result.ready, { pulsar: 1, redis: 1, worker: 3 });
  assert.ok(result.timings.workersReadyMs >= 0);
  const first = workers(result)[0]!;
  const info = await (await fetch(`http://127.0.0.1:${first.ports['8090']}/info`)).json();
  assert.deepEqual(info, { config: 'config/base.yml,config/dev.yml', greeting: 'hello', ca: 'present' });
  // the CA bundle reached the build stage only, never the final image
  await assert.rejects(docker.getContainer(first.id).getArchive({ path: '/tmp/certs' }), { statusCode: 404 });
});

test('the compose file rendered from the same model agrees with the 3 running replicas', async () => {
  const model = loadStackModel({ projectDir: dir, replicas: 3, labels: { ...TEST_LABEL } });
  assert.deepEqual(await composeDisagreements(docker, renderComposeFile(model), project, process.env), []);
});

test('dev scale 5, then a killed replica is replaced by up while the others are kept', async () => {
  const scaled = JSON.parse(await cli('scale', '5', '--json', ...label));
  assert.equal(scaled.created.length, 2);
  // status probes each replica once (2 s timeout): on a loaded machine, poll rather than assert one probe
  await readyWorkers(5);

  await docker.getContainer(`${project}-worker-3`).kill();
  let status = await readyWorkers(4);
  assert.equal(workers(status).find((r) => r.name === `${project}-worker-3`)?.state, 'exited');

  const repaired = JSON.parse(await cli('up', '--replicas', '5', '--no-build', '--json', ...label));
  assert.deepEqual(repaired.changes.created, [`${project}-worker-3`]);
  assert.equal(repaired.changes.kept.length, 6);
  status = await readyWorkers(5);
  assert.equal(workers(status).length, 5);
});

test('a crashed replica is restarted by Docker (restart policy) and becomes ready again', async () => {
  const before = workers(await statusJson())[0]!;
  await fetch(`http://127.0.0.1:${before.ports['8090']}/crash`).catch(() => {});
  const restarted = await waitFor(
    'the crashed replica to restart',
    async () => {
      const info = await docker.getContainer(before.id).inspect();
      return info.RestartCount >= 1 && info.State.Running ? info : undefined;
    },
    20_000,
  );
  assert.equal(restarted.RestartCount, 1);
  await readyWorkers(5);
});

test('dev restart worker restarts every replica and waits until they are ready again', async () => {
  const result = JSON.parse(await cli('restart', 'worker', '--json'));
  assert.equal(result.restarted.length, 5);
  assert.ok(result.restarted.every((name: string) => name.startsWith(`${project}-worker-`)));
  await readyWorkers(5);
});

test('dev logs -f worker-1 streams prefixed lines until interrupted', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=source', 'src/cli/infinitic.ts', 'dev', 'logs', '-f', 'worker-1', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(
      'a followed log line',
      async () => (/worker-1 \| worker stand-in/.test(out) ? true : undefined),
      15_000,
    );
    child.kill('SIGINT');
    assert.equal(await Promise.race([exited, sleep(10_000).then(() => 'still running')]), 0);
  } finally {
    child.kill('SIGKILL');
  }
});

test('dev logs worker-2 prints that replica with its prefix; down -v removes everything', async () => {
  const text = await cli('logs', 'worker-2', '--tail', '5');
  assert.match(text, /^worker-2 \| worker stand-in listening on 8090/m);
  assert.doesNotMatch(text, /worker-1 \|/);
  const removed = JSON.parse(await cli('down', '-v', '--json'));
  assert.equal(removed.containers, 7);
  const filters = { label: [`io.infinitic.project=${project}`] };
  assert.equal((await docker.listContainers({ all: true, filters })).length, 0);
  assert.equal((await docker.listNetworks({ filters })).length, 0);
});
