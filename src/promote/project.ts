/**
 * A project's environment as promotion sees it: the layered files as written, the config loaded
 * with placeholders kept, and its variables. Secrets are never resolved: only non-secret variables
 * are read from the promote-time environment (the `.env` file holds dev values and is not read).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  ConfigError,
  environmentFiles,
  type InfiniticConfig,
  loadEnvironment,
  provenanceOf,
  type ValueSource,
} from '@infinitic/runtime';
import { withDefaults } from './stand-ins.ts';
import { type ConfigFile, type Variable, variablesOf } from './variables.ts';

export type DeploymentConfig = InfiniticConfig['deployment'];

export interface PromoteProject {
  /** Absolute project directory. */
  dir: string;
  envName: string;
  /** DNS-safe name of the project (package.json name, else the directory name). */
  appName: string;
  /** The layered files as written, in merge order. */
  files: ConfigFile[];
  config: InfiniticConfig;
  variables: Variable[];
  /**
   * Non-secret variable → value given to the pod: the environment at promote time, else the
   * written default. Absent when every use has its own default (the pod applies them); '' when
   * there is no value at all (doctor PROD014).
   */
  settings: Map<string, string>;
  /** Non-secret variables with no value and no default. */
  missing: string[];
  /** Dotted paths whose value stays a `${VAR}` placeholder (the pod resolves it). */
  unresolved: Set<string>;
  /** Where each dotted path is written (the loader's provenance). */
  positions: Map<string, { file: string; line: number; col: number }>;
  sourceOf(path: string): ValueSource;
}

export interface LoadProjectOptions {
  dir?: string;
  /** Environment name (`production`): config/base.yml + config/<env>.yml. */
  env: string;
  /** Variables at promote time (default process.env); only non-secret ones are read. */
  variables?: Record<string, string | undefined>;
}

/** `@acme/Orders_Worker` → `orders-worker`. */
export function dnsName(raw: string): string {
  const name = raw
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name === '' ? 'infinitic-worker' : name;
}

function projectName(dir: string): string {
  const pkg = resolve(dir, 'package.json');
  if (existsSync(pkg)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(pkg, 'utf8'));
    } catch (error) {
      // The project name comes from here: a broken file is the user's to fix, said where it is.
      const message = `invalid JSON (${error instanceof Error ? error.message : String(error)})`;
      throw new ConfigError(
        [{ file: 'package.json', line: 0, col: 0, path: '', message }],
        'cannot read the project name',
      );
    }
    const name = (parsed as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name !== '') return dnsName(name);
  }
  return dnsName(basename(dir));
}

/** Loads an environment for promotion; throws the loader's located ConfigError when it is invalid. */
export function loadProject(options: LoadProjectOptions): PromoteProject {
  const dir = resolve(options.dir ?? process.cwd());
  const env = options.variables ?? process.env;
  const files = environmentFiles(options.env, dir).map((path) => ({
    path,
    text: readFileSync(resolve(dir, path), 'utf8'),
  }));
  const variables = variablesOf(files);
  const settings = new Map<string, string>();
  const missing: string[] = [];
  const lookup: Record<string, string> = {};
  for (const variable of variables) {
    if (variable.secret) continue;
    const value = env[variable.name] ?? variable.defaultValue;
    if (env[variable.name] !== undefined) lookup[variable.name] = env[variable.name]!;
    if (value !== undefined) settings.set(variable.name, value);
    else if (!variable.defaulted) {
      missing.push(variable.name);
      settings.set(variable.name, '');
    }
  }
  const loaded = loadEnvironment(options.env, { dir, env: lookup, envFile: false, keepPlaceholders: true });
  const unresolved = new Set<string>();
  const positions = new Map<string, { file: string; line: number; col: number }>();
  for (const [path, info] of provenanceOf(loaded.config)?.paths ?? []) {
    if (info.unresolved) unresolved.add(path);
    const at = info.key ?? info.at;
    if (at.line > 0) positions.set(path, at);
  }
  return {
    dir,
    envName: options.env,
    appName: projectName(dir),
    files,
    config: withDefaults(loaded.config, unresolved),
    variables,
    settings,
    missing,
    unresolved,
    positions,
    sourceOf: loaded.sourceOf,
  };
}
