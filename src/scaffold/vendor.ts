/**
 * The runtime is bundled with the kit, so a generated project installs without any registry
 * holding `@infinitic/runtime` or `create-infinitic-app`:
 *
 * 1. At generation time both packages are packed with `npm pack` into `<project>/vendor/`: the
 *    files `npm publish` would upload (their dist/ must be built, which the kit's `npm run build`
 *    does), from a staged copy whose package.json drops the "source" export condition (it points
 *    at src/*.ts, which the tarballs do not ship; see stage-package.ts).
 * 2. The generated package.json references them as `file:vendor/<name>-<version>.tgz`: the version
 *    is pinned by the file itself, and the lockfile records its integrity.
 * 3. The kit (dev dependency, for the `infinitic` CLI) itself depends on `@infinitic/runtime`;
 *    npm `overrides` (`"$@infinitic/runtime"`) make that resolve to the same tarball, so there is
 *    one runtime copy and nothing is fetched for it.
 * 4. The Docker build copies vendor/ before `npm ci`, so the image build needs the registry only
 *    for third-party packages.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CliError, EXIT } from '../cli/run-cli.ts';
import { KIT_ROOT } from './kit-paths.ts';
import { stagePackage } from './stage-package.ts';

const run = promisify(execFile);

export interface VendoredPackage {
  name: string;
  version: string;
  /** Path relative to the project root, POSIX separators. */
  file: string;
  /** What package.json uses: `file:vendor/…tgz`. */
  spec: string;
}

export interface VendorSources {
  runtime: { dir: string; name: string; version: string };
  kit: { dir: string; name: string; version: string };
}

function manifest(dir: string): { name: string; version: string } {
  const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { name, version };
}

/** Locates the kit and the runtime it depends on (workspace link in dev, node_modules when installed). */
export function vendorSources(): VendorSources {
  const require = createRequire(path.join(KIT_ROOT, 'package.json'));
  const runtimeDir = realpathSync(path.dirname(require.resolve('@infinitic/runtime/package.json')));
  return {
    runtime: { dir: runtimeDir, ...manifest(runtimeDir) },
    kit: { dir: KIT_ROOT, ...manifest(KIT_ROOT) },
  };
}

/** npm's tarball name: `@scope/name` → `scope-name-<version>.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

export function vendoredPackage(source: { name: string; version: string }): VendoredPackage {
  const file = `vendor/${tarballName(source.name, source.version)}`;
  return { name: source.name, version: source.version, file, spec: `file:${file}` };
}

/** Fails before anything is written when the packages to vendor have no build output. */
export function checkBuilt(sources: VendorSources): void {
  for (const [what, dir] of [
    ['runtime', path.join(sources.runtime.dir, 'dist', 'src', 'index.js')],
    ['kit', path.join(sources.kit.dir, 'dist', 'src', 'cli', 'infinitic.js')],
  ] as const) {
    if (!existsSync(dir)) {
      throw new CliError(
        `the ${what} is not built (${dir} is missing): run \`npm run build\` in ${KIT_ROOT} first`,
        EXIT.failure,
        'INF_SCAFFOLD_UNBUILT',
      );
    }
  }
}

/**
 * Packs both packages into `<projectDir>/vendor` with one npm call, each from a staged copy with
 * its published manifest. It runs from a temp folder, not the project's, so it can overlap with
 * writing the project's package.json.
 */
export async function packVendor(projectDir: string, sources: VendorSources): Promise<void> {
  const vendorDir = path.join(projectDir, 'vendor');
  mkdirSync(vendorDir, { recursive: true });
  const stageRoot = mkdtempSync(path.join(tmpdir(), 'infinitic-vendor-'));
  try {
    const staged = [sources.runtime, sources.kit].map((source, index) => {
      const dir = path.join(stageRoot, String(index));
      stagePackage(source.dir, dir);
      return dir;
    });
    await run('npm', ['pack', ...staged, '--pack-destination', vendorDir, '--silent'], {
      cwd: stageRoot,
      timeout: 120_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
  } catch (error) {
    const detail =
      (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (error as Error).message;
    throw new CliError(`npm pack failed: ${detail}`, EXIT.failure, 'INF_SCAFFOLD_PACK');
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
  for (const source of [sources.runtime, sources.kit]) {
    const file = path.join(projectDir, vendoredPackage(source).file);
    if (!existsSync(file)) {
      throw new CliError(`npm pack did not produce ${file}`, EXIT.failure, 'INF_SCAFFOLD_PACK');
    }
  }
}
