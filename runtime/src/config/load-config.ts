/** Loading: files (+ .env + environment) → merged, interpolated, validated InfiniticConfig. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDotenv } from './dotenv.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { flattenTree } from './flatten.ts';
import type { Lookup } from './interpolate.ts';
import { mergeTrees } from './merge.ts';
import { attachProvenance, provenanceOf, sourceOf } from './provenance.ts';
import type { InfiniticConfig } from './schema/index.ts';
import { type Tree, treeFromObject, treeFromYaml, type ValueSource } from './tree.ts';
import { validateFlat } from './validate.ts';

export interface LoadOptions {
  /** Variables for interpolation (default: process.env); they win over the .env file. */
  env?: Record<string, string | undefined>;
  /** A .env file (Compose format); default: `.env` in cwd when it exists; false: none. */
  envFile?: string | false;
  /** Directory relative file names are read from (default: process.cwd()). */
  cwd?: string;
  /** Leave unresolvable `${VAR}` as written instead of failing (promotion: the pod resolves them). */
  keepPlaceholders?: boolean;
}

export interface ValidationReport {
  valid: boolean;
  issues: ConfigIssue[];
  config?: InfiniticConfig;
}

/** `--config a.yml,b.yml` (also repeated flags / arrays) → ['a.yml', 'b.yml']. */
export function parseConfigFlag(value: string | readonly string[] | undefined): string[] {
  const parts = typeof value === 'string' ? [value] : (value ?? []);
  return parts
    .flatMap((part) => part.split(','))
    .map((file) => file.trim())
    .filter((file) => file !== '');
}

/** Why a file that exists cannot be read, in words (EISDIR, EACCES, …). */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read: ${(error as Error).message}`;
}

/**
 * The text of a config or .env file, or an issue (line 0: the file as a whole) saying why not;
 * `file` is the name as given, for the message.
 */
function readText(path: string, file: string, what: string, issues: ConfigIssue[]): string | undefined {
  if (!existsSync(path)) {
    issues.push({ file, line: 0, col: 0, path: '', message: `${what} not found` });
    return undefined;
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    issues.push({ file, line: 0, col: 0, path: '', message: `${what} ${unreadable(error)}` });
    return undefined;
  }
}

/** Issues in file order (.env and missing files first, then the configs as given), then by position. */
function byLocation(files: readonly string[]) {
  return (a: ConfigIssue, b: ConfigIssue) =>
    files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.col - b.col;
}

function readEnv(options: LoadOptions, issues: ConfigIssue[]): { lookup: Lookup; envFile?: string } {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  let envFile = options.envFile === false ? undefined : options.envFile;
  // The default .env is read only when it is a file: a Python virtualenv is often named `.env`.
  if (options.envFile === undefined && statSync(resolve(cwd, '.env'), { throwIfNoEntry: false })?.isFile()) {
    envFile = '.env';
  }
  let entries = new Map<string, { value: string }>();
  if (envFile !== undefined) {
    const text = readText(resolve(cwd, envFile), envFile, 'env file', issues);
    if (text !== undefined) {
      const parsed = parseDotenv(text, envFile, env);
      issues.push(...parsed.issues);
      entries = parsed.entries;
    }
  }
  const lookup: Lookup = (name) => {
    const fromEnv = env[name];
    if (fromEnv !== undefined) return { value: fromEnv, from: 'env' };
    const fromFile = entries.get(name);
    return fromFile ? { value: fromFile.value, from: 'dotenv' } : undefined;
  };
  return { lookup, envFile };
}

function finish(
  tree: Tree,
  files: string[],
  issues: ConfigIssue[],
  options: Omit<LoadOptions, 'envFile'> & { envFile?: string },
) {
  const flat = flattenTree(tree);
  const result = validateFlat(flat.value, flat.paths);
  const all = [...issues, ...flat.issues, ...result.issues].sort(byLocation(files));
  if (all.length > 0 || !result.config) return { valid: false, issues: all } satisfies ValidationReport;
  const config = attachProvenance(result.config, {
    files,
    envFile: options.envFile,
    paths: flat.paths,
    keepPlaceholders: options.keepPlaceholders ?? false,
  });
  return { valid: true, issues: [], config } satisfies ValidationReport;
}

/** Loads, merges, interpolates and validates; returns every problem instead of throwing. */
export function validateConfigFiles(files: readonly string[], options: LoadOptions = {}): ValidationReport {
  const issues: ConfigIssue[] = [];
  if (files.length === 0) {
    return {
      valid: false,
      issues: [{ file: '<none>', line: 0, col: 0, path: '', message: 'no config file given' }],
    };
  }
  const { lookup, envFile } = readEnv(options, issues);
  const cwd = options.cwd ?? process.cwd();
  let merged: Tree | undefined;
  let fatal = false;
  for (const file of files) {
    const text = readText(resolve(cwd, file), file, 'config file', issues);
    if (text === undefined) continue;
    const parsed = treeFromYaml(text, file, {
      lookup,
      envFile,
      keepPlaceholders: options.keepPlaceholders,
    });
    issues.push(...parsed.issues);
    fatal ||= parsed.fatal;
    merged = merged ? mergeTrees(merged, parsed.tree) : parsed.tree;
  }
  // Syntax or missing-file problems make schema errors misleading: report those first.
  if (!merged || fatal || issues.some((i) => i.line === 0)) {
    return { valid: false, issues: issues.sort(byLocation(files)) };
  }
  return finish(merged, [...files], issues, { ...options, envFile });
}

/** A loaded configuration and where each of its values came from. */
export interface LoadedConfig {
  config: InfiniticConfig;
  /** The files merged, in order (later wins). */
  files: string[];
  envFile?: string;
  /** Source of the value at a dotted path (`storage.redis.port`); schema default when no file set it. */
  sourceOf(path: string): ValueSource;
}

/**
 * Loads configuration files, merged left to right (later wins), interpolated with Compose syntax
 * from `options.env` (default process.env) and the .env file, validated against the schema.
 * Throws a ConfigError listing every problem, located. Synchronous; `await` works too.
 */
export function loadConfig(files: readonly string[], options: LoadOptions = {}): LoadedConfig {
  const report = validateConfigFiles(files, options);
  if (!report.config) throw new ConfigError(report.issues);
  const config = report.config;
  const provenance = provenanceOf(config)!;
  return {
    config,
    files: provenance.files,
    ...(provenance.envFile ? { envFile: provenance.envFile } : {}),
    sourceOf: (path) => sourceOf(config, path),
  };
}

/** Validates a configuration given as an object (no interpolation); values have origin 'object'. */
export function parseConfig(value: unknown): InfiniticConfig {
  const tree = treeFromObject(value);
  if (tree.type !== 'map') {
    throw new ConfigError([
      { file: '<object>', line: 0, col: 0, path: '', message: 'a configuration is a map of keys' },
    ]);
  }
  const report = finish(tree, [], [], {});
  if (!report.config) throw new ConfigError(report.issues);
  return report.config;
}
