/**
 * Where every value of a loaded configuration came from. Kept beside the config object (a WeakMap)
 * so `loadConfig` can return a plain InfiniticConfig the worker uses directly.
 */
import type { PathInfo } from './flatten.ts';
import type { InfiniticConfig } from './schema/index.ts';
import type { ValueSource } from './tree.ts';

export interface ConfigProvenance {
  /** The files merged, in order (later wins). */
  files: string[];
  /** The .env file used, if any. */
  envFile?: string;
  /** Everything known per dotted path (`transport.pulsar.tenant`) of what was written. */
  paths: Map<string, PathInfo>;
  /** True when placeholders were kept unresolved. */
  keepPlaceholders: boolean;
}

const PROVENANCE = new WeakMap<object, ConfigProvenance>();

export function attachProvenance(config: InfiniticConfig, provenance: ConfigProvenance): InfiniticConfig {
  PROVENANCE.set(config, provenance);
  return config;
}

export function provenanceOf(config: InfiniticConfig): ConfigProvenance | undefined {
  return PROVENANCE.get(config);
}

/** Where the value at `path` came from; values the files did not set come from the schema default. */
export function sourceOf(config: InfiniticConfig, path: string): ValueSource {
  return provenanceOf(config)?.paths.get(path)?.source ?? { kind: 'default' };
}

/**
 * `config/base.yml:12:9`, `env REDIS_PORT (config/base.yml:12:9)`, `.env REDIS_HOST (…)`, `default`.
 * Doctor findings use it as their location: a placeholder's default is its file position here.
 */
export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.file}:${source.line}:${source.col}`;
    case 'env':
      return `env ${source.variable} (${source.file}:${source.line}:${source.col})`;
    case 'dotenv':
      return `${source.envFile} ${source.variable} (${source.file}:${source.line}:${source.col})`;
    case 'default':
      return 'default';
    case 'object':
      return 'object';
  }
}

/**
 * describeSource, naming also the placeholder whose default a value is, as `config render
 * --show-sources` prints it: `default of ${REDIS_PORT:-6379} (config/base.yml:12:9)`.
 */
export function describeOrigin(source: ValueSource): string {
  const at = describeSource(source);
  if (source.kind !== 'file' || !source.defaultOf) return at;
  return `default of ${source.defaultOf.join(' and ')} (${at})`;
}
