/** Environments: `config/base.yml` + `config/<name>.yml` under a project directory. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { type LoadedConfig, type LoadOptions, loadConfig } from './load-config.ts';

export interface EnvironmentOptions extends Omit<LoadOptions, 'cwd'> {
  /** Project directory holding `config/` (default: process.cwd()). */
  dir?: string;
}

/** Names of the environments a project defines (`config/*.yml` except base.yml), sorted. */
export function listEnvironments(dir = process.cwd()): string[] {
  const configDir = resolve(dir, 'config');
  if (!statSync(configDir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(configDir)
    .filter((f) => /\.ya?ml$/.test(f) && !/^base\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function findFile(dir: string, name: string): string | undefined {
  return ['yml', 'yaml']
    .map((ext) => join('config', `${name}.${ext}`))
    .find((f) => existsSync(resolve(dir, f)));
}

/**
 * The files of an environment, relative to `dir`: `config/base.yml` then `config/<name>.yml`
 * (`base` alone for the name `base`). A missing file is a ConfigError naming the environments that exist.
 */
export function environmentFiles(name: string, dir = process.cwd()): string[] {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new ConfigError([{ file: name, line: 0, col: 0, path: '', message: 'invalid environment name' }]);
  }
  const base = findFile(dir, 'base');
  const own = name === 'base' ? base : findFile(dir, name);
  const missing = [!base && 'config/base.yml', !own && `config/${name}.yml`].filter((f): f is string => !!f);
  if (missing.length > 0) {
    const known = listEnvironments(dir);
    const hint =
      known.length > 0
        ? `environments in ${join(dir, 'config')}: ${known.join(', ')}`
        : `no environment in ${join(dir, 'config')}`;
    throw new ConfigError(
      missing.map((file) => ({ file, line: 0, col: 0, path: '', message: `not found (${hint})` })),
      `environment '${name}' is incomplete`,
    );
  }
  return name === 'base' ? [base!] : [base!, own!];
}

/** Loads an environment: `config/base.yml` + `config/<name>.yml` (+ `.env`) under `options.dir`. */
export function loadEnvironment(name: string, options: EnvironmentOptions = {}): LoadedConfig {
  const dir = options.dir ?? process.cwd();
  return loadConfig(environmentFiles(name, dir), { ...options, cwd: dir });
}
