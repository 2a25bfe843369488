import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isDockerReference, workerImageName } from './image-name.ts';
import { loadStackModel, serviceOf } from './model.ts';

describe('workerImageName', () => {
  const cases: [string, string][] = [
    ['orders', 'orders-worker'],
    ['@acme/orders', 'orders-worker'],
    ['@acme/orders.api', 'orders.api-worker'],
    ['my_app', 'my_app-worker'],
    ['Orders', 'orders-worker'],
    ['a..b', 'a-b-worker'],
    ['a._b', 'a-b-worker'],
    ['app.', 'app-worker'],
    ['x___y', 'x-y-worker'],
    ['x__y', 'x__y-worker'],
    ['@acme/_', 'infinitic-worker'],
  ];
  for (const [name, image] of cases) {
    it(`${name} → ${image}, a valid Docker reference with a registry and a tag`, () => {
      assert.equal(workerImageName(name), image);
      assert.ok(isDockerReference(image), image);
      assert.ok(isDockerReference(`registry.example.com:5000/${image}:1.0.0`));
    });
  }

  it('agrees with the image `infinitic dev up` builds (`<name>:dev`)', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'image-name-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    for (const name of ['orders', '@acme/orders', '@acme/orders.api', 'my_app', 'x-y', 'a..b', 'app.']) {
      const dir = mkdtempSync(path.join(root, 'p-'));
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name }));
      writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
      const worker = serviceOf(loadStackModel({ projectDir: dir, env: {} }), 'worker');
      assert.equal(worker.image, `${workerImageName(name)}:dev`, name);
    }
  });
});

describe('isDockerReference', () => {
  it('accepts names, registries with ports, paths, tags and digests', () => {
    for (const ref of [
      'orders-worker',
      'orders-worker:latest',
      'acme/orders-worker',
      'registry.example.com/acme/orders-worker:1.0.0',
      'localhost:5000/orders-worker:1.0.0-rc.1',
      `orders-worker@sha256:${'a'.repeat(64)}`,
    ]) {
      assert.ok(isDockerReference(ref), ref);
    }
  });

  it('refuses what Docker refuses: a scope, capitals, bad separators, empty parts', () => {
    for (const ref of [
      '@acme/orders-worker:latest',
      'Orders-worker',
      'a..b-worker',
      'app.-worker',
      'orders-worker:',
      '/orders-worker',
      'orders//worker',
      `${'a'.repeat(256)}`,
    ]) {
      assert.ok(!isDockerReference(ref), ref);
    }
  });
});
