/**
 * `npm run bench:dev`: time from `dev up` to every replica ready (images present, worker image
 * cached), beside the time the Pulsar container alone takes to become healthy, in the same run.
 *
 *   node --conditions=source scripts/bench/dev.ts [--replicas 3] [--dir <project>]
 *
 * Without --dir it uses the fixture project test/fixtures/dev-worker (a stand-in worker answering
 * /ready). Local images come from INFINITIC_PULSAR_IMAGE / INFINITIC_REDIS_IMAGE / NODE_IMAGE.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { containerSpec } from '../../src/stack/container-spec.ts';
import { connectDocker } from '../../src/stack/docker-client.ts';
import { down, loadStackModel, up } from '../../src/stack/index.ts';
import { serviceOf } from '../../src/stack/model.ts';
import { httpOk, waitUntil } from '../../src/stack/wait.ts';
import { removeDevProject } from '../../test/support/dev-project.ts';

const { values } = parseArgs({
  options: { replicas: { type: 'string', default: '3' }, dir: { type: 'string' } },
});
const replicas = Number(values.replicas);
const stamp = Date.now().toString(36);
const project = `bench-dev-${stamp}`;
const dir = mkdtempSync(join(tmpdir(), 'bench-dev-'));
cpSync(values.dir ?? 'test/fixtures/dev-worker', dir, { recursive: true });
writeFileSync(
  join(dir, 'config', 'dev.yml'),
  `dev:\n  project: ${project}\n  ports: { pulsar: { http: 0, broker: 0 }, redis: { redis: 0 } }\n`,
);
const labels = { 'io.infinitic.test': 'true' };
const docker = await connectDocker();
const model = loadStackModel({ projectDir: dir, replicas, labels });
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The stack's Pulsar container spec alone, on the default bridge: ms until admin health says ok. */
async function pulsarAlone(suffix: string): Promise<number> {
  const pulsar = serviceOf(model, 'pulsar');
  const image = (await docker.getImage(pulsar.image).inspect()).Id;
  const spec = containerSpec({ ...model, network: 'bridge' }, pulsar, 99, image);
  spec.name = `${project}-pulsar-alone-${suffix}`;
  spec.HostConfig!.Binds = [];
  spec.NetworkingConfig = undefined;
  const t0 = Date.now();
  const alone = await docker.createContainer(spec);
  try {
    await alone.start();
    const port = (await alone.inspect()).NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
    await waitUntil('pulsar alone', 180_000, () =>
      httpOk(`http://127.0.0.1:${port}/admin/v2/brokers/health`, 'ok'),
    );
    return Date.now() - t0;
  } finally {
    await alone.remove({ force: true });
  }
}

try {
  // 1. baseline, measured before and after the stack run (the machine is shared: report both)
  const pulsarAloneMs = [await pulsarAlone('a')];
  // 2. warm the worker image build cache, as after a first `dev up`
  await up(loadStackModel({ projectDir: dir, replicas: 0, labels }), { docker });
  await down(project, { volumes: true, docker });

  // 3. the measured run: dev up from nothing (images present) to all replicas ready
  const result = await up(model, { docker });
  const t = result.timings;
  await down(project, { volumes: true, docker });
  pulsarAloneMs.push(await pulsarAlone('b'));
  const alone = (pulsarAloneMs[0]! + pulsarAloneMs[1]!) / 2;
  console.log(`dev up (${replicas} replicas) ready:  ${s(t.totalMs)}`);
  console.log(`  pulsar ready in stack:        ${s(t.pulsarReadyMs ?? 0)}`);
  console.log(`  worker image build (cached):  ${s(t.buildMs ?? 0)}`);
  console.log(`  replicas ready after start:   ${s(t.workersReadyMs ?? 0)}`);
  console.log(
    `pulsar container alone healthy: ${s(alone)} (before ${s(pulsarAloneMs[0]!)}, after ${s(pulsarAloneMs[1]!)})`,
  );
  console.log(`ratio dev up / pulsar alone:    ${(t.totalMs / alone).toFixed(2)}`);
} finally {
  await removeDevProject(docker, project, dir);
}
