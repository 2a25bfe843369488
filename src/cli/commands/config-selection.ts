/** Which configuration files `infinitic config` reads, from its flags and what config/ holds: unit-tested. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { environmentFiles, listEnvironments, parseConfigFlag } from '@infinitic/runtime/config';
import { CliError, EXIT } from '../run-cli.ts';

export interface SelectionFlags {
  env?: string;
  config?: string | string[];
  dir?: string;
  resolve?: boolean;
  keepPlaceholders?: boolean;
}

export interface Selection {
  /** Files relative to `dir` (or as given with --config), merged left to right. */
  files: string[];
  /** Directory files, the .env file and relative paths are read from. */
  dir: string;
  /** `env dev` / `files a.yml, b.yml`: what the output says it validated. */
  label: string;
  keepPlaceholders: boolean;
}

export function selectConfig(flags: SelectionFlags, cwd = process.cwd()): Selection {
  const dir = flags.dir ?? cwd;
  if (flags.resolve && flags.keepPlaceholders) {
    throw new CliError(
      '--resolve and --keep-placeholders exclude each other; choose one',
      EXIT.usage,
      'INF_USAGE',
    );
  }
  const keepPlaceholders = flags.keepPlaceholders ?? false;
  const files = parseConfigFlag(flags.config);
  if (flags.env !== undefined && files.length > 0) {
    throw new CliError('--env and --config exclude each other; choose one', EXIT.usage, 'INF_USAGE');
  }
  if (files.length > 0) return { files, dir, label: `files ${files.join(', ')}`, keepPlaceholders };
  if (flags.env === undefined) {
    const known = listEnvironments(dir);
    const hint =
      known.length > 0
        ? `environments here: ${known.join(', ')}`
        : existsSync(join(dir, 'config', 'base.yml'))
          ? 'config/ holds only base.yml: add config/NAME.yml, or pass --config config/base.yml'
          : `no config/*.yml under ${dir}`;
    throw new CliError(
      `name an environment (--env NAME) or files (--config a.yml,b.yml); ${hint}`,
      EXIT.usage,
      'INF_USAGE',
    );
  }
  // environmentFiles throws a ConfigError naming the environments that exist; it is a config problem (exit 2).
  try {
    return { files: environmentFiles(flags.env, dir), dir, label: `env ${flags.env}`, keepPlaceholders };
  } catch (error) {
    if (error instanceof Error && 'issues' in error)
      throw new CliError(error.message, EXIT.invalid, 'INF_CONFIG');
    throw error;
  }
}
