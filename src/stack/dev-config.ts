/**
 * Reads what the dev stack needs from the project: the `dev:` section of config/dev.yml (images,
 * ports, replicas, env), the Pulsar tenant/namespace from config/base.yml + config/dev.yml, and
 * the optional .env file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseEnv } from 'node:util';
import { type DevStackConfig, devStackSchema, interpolate } from '@infinitic/runtime';
import { parse } from 'yaml';
import { STACK_CODES, StackError } from './errors.ts';
import { projectSlug } from './image-name.ts';

export interface ProjectSettings {
  project: string;
  dev: DevStackConfig;
  tenant: string;
  namespace: string;
  dotenv: Record<string, string>;
  hasDockerfile: boolean;
}

function readYaml(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    const value = parse(readFileSync(file, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch (error) {
    throw new StackError(STACK_CODES.devConfig, `${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

// The runtime's Compose-exact interpolation; an unset variable without default resolves to ''.
function resolvePlaceholders(value: string, env: Record<string, string | undefined>): string {
  return interpolate(value, (name) => {
    const current = env[name];
    return current === undefined ? undefined : { value: current, from: 'env' };
  }).value;
}

function projectName(projectDir: string, dev: DevStackConfig): string {
  if (dev.project) return dev.project;
  let name = basename(projectDir);
  const pkg = join(projectDir, 'package.json');
  if (existsSync(pkg)) {
    const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string };
    if (parsed.name) name = parsed.name;
  }
  return projectSlug(name);
}

export function readProjectSettings(
  projectDir: string,
  env: Record<string, string | undefined> = process.env,
): ProjectSettings {
  const base = readYaml(join(projectDir, 'config', 'base.yml'));
  const devFile = join(projectDir, 'config', 'dev.yml');
  const devYaml = readYaml(devFile);
  const parsed = devStackSchema.safeParse(devYaml.dev ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StackError(
      STACK_CODES.devConfig,
      `${devFile}: dev.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const envFile = join(projectDir, '.env');
  const dotenv = existsSync(envFile)
    ? (parseEnv(readFileSync(envFile, 'utf8')) as Record<string, string>)
    : {};
  const lookup = { ...dotenv, ...env };
  const setting = (key: string, fallback: string): string => {
    const raw = pick(devYaml, 'transport', 'pulsar', key) ?? pick(base, 'transport', 'pulsar', key);
    const value = typeof raw === 'string' ? resolvePlaceholders(raw, lookup) : undefined;
    return value || fallback;
  };
  return {
    project: projectName(projectDir, parsed.data),
    dev: parsed.data,
    tenant: setting('tenant', 'infinitic'),
    namespace: setting('namespace', 'dev'),
    dotenv,
    hasDockerfile: existsSync(join(projectDir, 'Dockerfile')),
  };
}
