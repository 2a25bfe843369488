/**
 * The generated Dockerfile on the local engine: built with the legacy builder from a local base
 * (no registry), with the host CA bundle in certs/ as the README documents (npm in the build stage
 * goes through a TLS-intercepting proxy here), then run with --init on an in-memory config until
 * the HEALTHCHECK (/ready) reports healthy. Containers and images carry io.infinitic.test=true.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdHeavySlot } from '../support/heavy-slot.ts';
import { services, uniqueName } from '../support/services.ts';
import { ok, run, runCreate } from './scaffold-helpers.ts';

holdHeavySlot(); // starts Pulsar JVMs or builds images: at most two such files at once

const root = mkdtempSync(path.join(tmpdir(), 'scaffold-image-'));
const dir = path.join(root, 'image-app');
const tag = `${uniqueName('scaffold-image')}:test`;
const container = uniqueName('scaffold-worker');
const docker = (args: string[], timeoutMs = 30_000) => run('docker', args, { cwd: dir, timeoutMs });

after(async () => {
  await docker(['rm', '-f', container]).catch(() => {});
  await docker(['rmi', '-f', tag]).catch(() => {});
  rmSync(root, { recursive: true, force: true });
});

/** The CA bundle the host trusts: NODE_EXTRA_CA_CERTS, else the Debian system bundle. */
function hostCaBundle(): string | undefined {
  return [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find(
    (f) => f && existsSync(f),
  );
}

describe('generated Dockerfile', { timeout: 480_000 }, () => {
  it('builds from a local Node image with the CA bundle in the build stage only', async () => {
    ok(await runCreate(['image-app', '--yes', '--no-install', '--no-git'], root), 'create-infinitic-app');
    // `npm ci` in the image needs a lockfile; resolving it does not install anything.
    ok(
      await run('npm', ['install', '--package-lock-only'], { cwd: dir, timeoutMs: 90_000 }),
      'npm install --package-lock-only',
    );
    const bundle = hostCaBundle();
    if (bundle) copyFileSync(bundle, path.join(dir, 'certs/extra-ca.crt'));
    const build = ok(
      await docker(
        [
          'build',
          '--force-rm',
          '--build-arg',
          `NODE_IMAGE=${services.images.node}`,
          '--label',
          'io.infinitic.test=true',
          '-t',
          tag,
          '.',
        ],
        180_000,
      ),
      'docker build',
    );
    console.log(`# docker build: ${build.ms} ms`);
    const inspect = JSON.parse(ok(await docker(['image', 'inspect', tag]), 'image inspect').stdout)[0];
    assert.equal(inspect.Config.User, 'node');
    assert.ok(inspect.Config.Healthcheck?.Test?.join(' ').includes('/ready'));
    assert.ok(!(inspect.Config.Env as string[]).some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')));
    const leftovers = await docker([
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      tag,
      '-c',
      'ls /tmp/certs /tmp/extra-ca.pem /app/certs',
    ]);
    assert.notEqual(leftovers.code, 0, `no CA bundle in the final image: ${leftovers.stdout}`);
  });

  it('a container reports healthy, runs as uid 1000 and stops gracefully', async () => {
    const config = path.join(root, 'in-memory.yml');
    writeFileSync(
      config,
      'transport: inMemory\nstorage:\n  inMemory: {}\nservices:\n  - name: HelloService\n    executor:\n      concurrency: 1\nworkflows:\n  - name: HelloWorkflow\n    executor:\n      concurrency: 1\n',
    );
    ok(
      await docker([
        'run',
        '-d',
        '--init',
        '--name',
        container,
        '--label',
        'io.infinitic.test=true',
        '-v',
        `${config}:/config/in-memory.yml:ro`,
        '-e',
        'INFINITIC_CONFIG=/config/in-memory.yml',
        tag,
      ]),
      'docker run',
    );
    const deadline = Date.now() + 60_000;
    let health = '';
    while (Date.now() < deadline) {
      const state = JSON.parse(
        ok(await docker(['inspect', '-f', '{{json .State}}', container]), 'inspect').stdout,
      );
      health = state.Health?.Status ?? '';
      if (health === 'healthy' || !state.Running) break;
      await sleep(500);
    }
    const logs = (await docker(['logs', container])).stdout;
    assert.equal(health, 'healthy', `container health: ${health}\n${logs}`);
    assert.equal(ok(await docker(['exec', container, 'id', '-u']), 'id').stdout.trim(), '1000');
    ok(await docker(['stop', '-t', '10', container]), 'docker stop');
    const exit = ok(
      await docker(['inspect', '-f', '{{.State.ExitCode}}', container]),
      'inspect',
    ).stdout.trim();
    assert.equal(exit, '0', 'SIGTERM drains and exits 0');
  });
});
