/**
 * The vendored tarballs: packed from a staged manifest without the "source" export condition,
 * with exactly the files `npm pack` ships from the source folders, and importable by a process
 * running with `--conditions=source` (as the kit's tests and `infinitic` from source do).
 * Needs the kit built (`npm run build`), as generation does.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { publishedManifest, SOURCE_CONDITION } from './stage-package.ts';
import { checkBuilt, packVendor, type VendorSources, vendoredPackage, vendorSources } from './vendor.ts';

const exec = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), 'vendor-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function tarList(file: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tzf', file]);
  return stdout
    .trim()
    .split('\n')
    .map((p) => p.replace(/^package\//, ''))
    .sort();
}

async function tarManifest(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await exec('tar', ['-xzOf', file, 'package/package.json']);
  return JSON.parse(stdout);
}

/** What `npm pack` of the source folder would ship (without the "source" fix). */
async function npmPackFiles(dir: string): Promise<string[]> {
  const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', dir], {
    cwd: root,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return (JSON.parse(stdout)[0].files as { path: string }[]).map((f) => f.path).sort();
}

function conditionsIn(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [key, ...conditionsIn(v)]);
}

describe('publishedManifest', () => {
  it('drops the "source" condition from exports and imports, at any depth, and keeps the rest', () => {
    const manifest = {
      name: 'x',
      exports: {
        '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './sub': { node: { source: './src/sub.ts', default: './dist/sub.js' } },
        './package.json': './package.json',
      },
      imports: { '#internal': { source: './src/i.ts', default: './dist/i.js' } },
      files: ['dist'],
    };
    assert.deepEqual(publishedManifest(manifest), {
      name: 'x',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './sub': { node: { default: './dist/sub.js' } },
        './package.json': './package.json',
      },
      imports: { '#internal': { default: './dist/i.js' } },
      files: ['dist'],
    });
    assert.equal(manifest.exports['.'].source, './src/index.ts', 'the input is left alone');
  });
});

describe('packVendor', { timeout: 120_000 }, () => {
  let sources: VendorSources;
  const project = path.join(root, 'project');

  before(async () => {
    sources = vendorSources();
    checkBuilt(sources);
    mkdirSync(project);
    await packVendor(project, sources);
  });

  for (const which of ['runtime', 'kit'] as const) {
    it(`${which}: npm's tarball name, no "source" condition, the same files as npm pack of the source`, async () => {
      const source = sources[which];
      const tarball = path.join(project, vendoredPackage(source).file);
      const manifest = await tarManifest(tarball);
      assert.equal(manifest.name, source.name);
      assert.equal(manifest.version, source.version);
      assert.ok(!conditionsIn(manifest.exports).includes(SOURCE_CONDITION), JSON.stringify(manifest.exports));
      const original = JSON.parse(readFileSync(path.join(source.dir, 'package.json'), 'utf8'));
      assert.deepEqual(manifest, publishedManifest(original), 'only the condition changes');
      assert.deepEqual(await tarList(tarball), await npmPackFiles(source.dir));
    });
  }

  it('a --conditions=source process imports the packed runtime (the source manifest would not)', async () => {
    // The packed runtime, its dependencies linked from the kit's own install.
    const app = path.join(root, 'app');
    const installed = path.join(app, 'node_modules', '@infinitic', 'runtime');
    mkdirSync(installed, { recursive: true });
    await exec('tar', [
      '-xzf',
      path.join(project, vendoredPackage(sources.runtime).file),
      '-C',
      installed,
      '--strip-components=1',
    ]);
    const requireFromRuntime = createRequire(path.join(sources.runtime.dir, 'package.json'));
    for (const dep of Object.keys(
      JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies,
    )) {
      const target = path.join(app, 'node_modules', dep);
      mkdirSync(path.dirname(target), { recursive: true });
      const found = requireFromRuntime.resolve
        .paths(dep)
        ?.map((modules) => path.join(modules, dep))
        .find((dir) => existsSync(path.join(dir, 'package.json')));
      assert.ok(found, `${dep} is installed in the kit`);
      symlinkSync(found, target, 'dir');
    }
    const probe = [
      '--conditions=source',
      '--input-type=module',
      '-e',
      "const r = await import('@infinitic/runtime'); const w = await import('@infinitic/runtime/workflow'); console.log(typeof r.InfiniticWorker, typeof w.Workflow)",
    ];
    const { stdout } = await exec(process.execPath, probe, { cwd: app });
    assert.equal(stdout.trim(), 'function function');

    // control: the same install with the source manifest fails the way generated projects did
    const packed = readFileSync(path.join(installed, 'package.json'), 'utf8');
    try {
      const original = readFileSync(path.join(sources.runtime.dir, 'package.json'), 'utf8');
      writeFileSync(path.join(installed, 'package.json'), original);
      await assert.rejects(
        exec(process.execPath, probe, { cwd: app }),
        /ERR_MODULE_NOT_FOUND|Cannot find module/,
      );
    } finally {
      writeFileSync(path.join(installed, 'package.json'), packed);
    }
  });
});
