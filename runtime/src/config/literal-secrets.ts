/**
 * Secrets written as literals in a config file (not `${VAR}`): the promotion gate fails on them,
 * since production files are committed and shipped in ConfigMaps.
 */
import type { ConfigIssue } from './errors.ts';
import { provenanceOf } from './provenance.ts';
import type { InfiniticConfig } from './schema/index.ts';
import { isSecretPath } from './secrets.ts';

export function findLiteralSecrets(config: InfiniticConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [path, info] of provenanceOf(config)?.paths ?? []) {
    const source = info.source;
    if (source?.kind !== 'file' || info.written !== undefined || !isSecretPath(path)) continue;
    const value = path.split(/\.|\[/).reduce<unknown>((node, segment) => {
      const key = segment.endsWith(']') ? Number(segment.slice(0, -1)) : segment;
      return node !== null && typeof node === 'object'
        ? (node as Record<string | number, unknown>)[key]
        : undefined;
    }, config);
    if (value === null || value === undefined || value === '') continue;
    const variable = path
      .split('.')
      .at(-1)!
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase();
    issues.push({
      file: source.file,
      line: source.line,
      col: source.col,
      path,
      message: `a secret written in the file; use a placeholder such as \${${variable}} and provide it at run time`,
    });
  }
  return issues;
}
