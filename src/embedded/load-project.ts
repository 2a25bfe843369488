/**
 * Loads what the embedded mode needs from a built project: its implementations (the
 * `{ services, workflows }` exported by src/registry.ts, compiled to dist/src/registry.js) and the
 * runtime copy the project itself installed, so its classes and the worker share one runtime.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Runtime from '@infinitic/runtime';
import { CliError, EXIT } from '../cli/run-cli.ts';

export type RuntimeModule = typeof Runtime;

export interface ProjectRegistry {
  services: Record<string, object>;
  workflows: Record<string, unknown>;
}

export interface LoadedProject {
  dir: string;
  name: string;
  registry: ProjectRegistry;
  runtime: RuntimeModule;
  /** Where the runtime came from: the project's node_modules or the kit's own copy. */
  runtimeFrom: 'project' | 'kit';
}

/** Relative to the project: what `npm run build` (tsc, outDir dist, rootDir .) makes of src/registry.ts. */
export const REGISTRY_MODULE = 'dist/src/registry.js';

export function projectName(dir: string): string {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) {
    throw new CliError(
      `${dir} is not a project (no package.json): run this in the project or pass --dir`,
      EXIT.invalid,
      'INF_EMBEDDED_PROJECT',
    );
  }
  const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : path.basename(dir);
}

/**
 * The project's installed runtime (its dist build, whatever export conditions this process runs
 * with), else the kit's own.
 */
async function projectRuntime(dir: string): Promise<{ runtime: RuntimeModule; from: 'project' | 'kit' }> {
  try {
    const manifest = createRequire(path.join(dir, 'package.json')).resolve('@infinitic/runtime/package.json');
    const entry = path.join(path.dirname(manifest), 'dist', 'src', 'index.js');
    if (existsSync(entry)) return { runtime: await import(pathToFileURL(entry).href), from: 'project' };
  } catch {
    // not installed in the project: use the kit's copy below
  }
  return { runtime: await import('@infinitic/runtime'), from: 'kit' };
}

function isRecordOf(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Loads the built registry module; a missing build is a one-line error saying to build. */
export async function loadProject(dirArg: string): Promise<LoadedProject> {
  const dir = path.resolve(dirArg);
  const name = projectName(dir);
  const file = path.join(dir, REGISTRY_MODULE);
  if (!existsSync(file)) {
    const source = existsSync(path.join(dir, 'src', 'registry.ts'))
      ? 'src/registry.ts is not built'
      : 'the project has no src/registry.ts exporting { services, workflows }';
    throw new CliError(
      `${path.relative(process.cwd(), file) || file} not found (${source}): run \`npm run build\` in ${dir} first`,
      EXIT.failure,
      'INF_EMBEDDED_UNBUILT',
    );
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${file} failed to load: ${message}`, EXIT.failure, 'INF_EMBEDDED_REGISTRY');
  }
  const services = loaded.services ?? {};
  const workflows = loaded.workflows ?? {};
  if (!isRecordOf(services) || !isRecordOf(workflows)) {
    throw new CliError(
      `${file}: expected exports \`services\` and \`workflows\` (objects: name -> implementation)`,
      EXIT.invalid,
      'INF_EMBEDDED_REGISTRY',
    );
  }
  const { runtime, from } = await projectRuntime(dir);
  return {
    dir,
    name,
    registry: { services: services as Record<string, object>, workflows },
    runtime,
    runtimeFrom: from,
  };
}

/** Public method names of an implementation (own and inherited, not Object's). */
export function methodsOf(implementation: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = implementation; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key.startsWith('_')) continue;
      if (typeof (implementation as Record<string, unknown>)[key] === 'function') names.add(key);
    }
  }
  return [...names].sort();
}
