/**
 * The generated production compose service, run on the real Docker engine with its own settings
 * (user 1000, read-only root, tmpfs /tmp, cap_drop ALL, no-new-privileges, cpu/memory limits,
 * the layered config files mounted where INFINITIC_CONFIG points, env + .env secrets) and its own
 * healthcheck command. The process inside stands in for the worker image (which the scaffold tests
 * build): it reports what the sandbox allows and serves /ready on the configured port, so the
 * container turns healthy only if the generated healthcheck works under those restrictions.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { parse } from 'yaml';
import { loadProject } from '../../src/promote/project.ts';
import { generateFiles } from '../../src/promote/promote.ts';
import { appFixture } from '../promote/helpers.ts';
import { requireService, services, TEST_LABEL, uniqueName, waitFor } from '../support/services.ts';

const docker = new Docker();
const SECRETS = { PULSAR_TOKEN: 's3cr3t-pulsar-docker-5e1', REDIS_PASSWORD: 's3cr3t-redis-docker-77a' };

// Stand-in worker: checks its sandbox, then answers /ready like the worker's health server.
const STAND_IN = `
const fs = require('node:fs');
const files = process.env.INFINITIC_CONFIG.split(',').map((f) => fs.readFileSync(f, 'utf8'));
let rootfs = 'writable';
try { fs.writeFileSync('/probe', 'x'); } catch (e) { rootfs = e.code; }
fs.writeFileSync('/tmp/probe', 'x');
console.log('uid=' + process.getuid() + ' rootfs=' + rootfs + ' configs=' + files.length +
  ' token=' + (process.env.PULSAR_TOKEN ? 'set' : 'unset') + ' log=' + process.env.LOG_LEVEL);
require('node:http').createServer((req, res) => { res.statusCode = req.url === '/ready' ? 200 : 404; res.end(); })
  .listen(Number(process.env.INFINITIC_HEALTH_PORT), '127.0.0.1');
`;

function bytes(quantity: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  assert.ok(match, `memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] ? units[match[2]]! : 1);
}

test('the production compose service runs on Docker with its restrictions and turns healthy via its /ready check', async () => {
  await requireService('Docker engine', process.env.DOCKER_HOST ?? '/var/run/docker.sock', () =>
    docker.ping(),
  );
  await requireService(`image ${services.images.node}`, 'the local Docker engine', () =>
    docker.getImage(services.images.node).inspect(),
  );
  const outDir = resolve(appFixture, 'deploy', 'production');
  const project = loadProject({ env: 'production', dir: appFixture, variables: SECRETS });
  const file = generateFiles(project, 'compose', outDir).find((f) => f.path === 'docker-compose.yml')!;
  const compose = parse(file.content);
  const service = compose.services['io-intensive'];
  const limits = service.deploy.resources.limits;
  const binds = service.configs.map(
    (c: { source: string; target: string }) =>
      `${resolve(outDir, compose.configs[c.source].file)}:${c.target}:ro`,
  );
  const env = { ...service.environment, ...SECRETS }; // env_file .env: the operator's secrets
  const name = uniqueName('promote-compose');
  const container = await docker.createContainer({
    Image: services.images.node,
    name,
    Labels: { ...TEST_LABEL, 'io.infinitic.project': name },
    User: service.user,
    Entrypoint: ['node', '-e', STAND_IN],
    Env: Object.entries(env).map(([k, v]) => `${k}=${String(v)}`),
    // The generated test, interval shortened so the test waits seconds, not tens of seconds.
    Healthcheck: {
      Test: service.healthcheck.test,
      Interval: 500e6,
      Timeout: 3e9,
      Retries: 3,
      StartPeriod: 30e9,
    },
    HostConfig: {
      ReadonlyRootfs: service.read_only,
      Tmpfs: Object.fromEntries(service.tmpfs.map((path: string) => [path, ''])),
      CapDrop: service.cap_drop,
      SecurityOpt: service.security_opt,
      NanoCpus: Math.round(Number(limits.cpus) * 1e9),
      Memory: bytes(limits.memory),
      Binds: binds,
    },
  });
  try {
    await container.start();
    await waitFor(
      'stand-in worker container healthy',
      async () => {
        const info = await container.inspect();
        assert.ok(info.State.Running, `container exited with ${info.State.ExitCode}`);
        return info.State.Health?.Status === 'healthy' ? true : undefined;
      },
      30_000,
    );
    const logs = ((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer).toString();
    assert.match(logs, /uid=1000 rootfs=EROFS configs=2 token=set log=info/);
    assert.equal(service.ports, undefined, 'no published port');
  } finally {
    await container.remove({ force: true });
  }
});
