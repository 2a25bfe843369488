/** Turns a tree into the plain value the schema parses, plus what is known about every path. */
import type { ConfigIssue } from './errors.ts';
import type { Position, Tree, ValueSource } from './tree.ts';

export type PathSegment = string | number;

/** `['services', 0, 'executor']` → `services[0].executor`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

export interface PathInfo {
  /** Where the value (or the map / list) starts. */
  at: Position;
  /** Where its key is written (maps entries only). */
  key?: Position;
  /** Maps, lists and empty values are best pointed at by their key. */
  container: boolean;
  /** Leaves only. */
  source?: ValueSource;
  written?: string;
  unresolved?: boolean;
}

export function flattenTree(tree: Tree): {
  value: unknown;
  paths: Map<string, PathInfo>;
  issues: ConfigIssue[];
} {
  const paths = new Map<string, PathInfo>();
  const issues: ConfigIssue[] = [];
  const walk = (node: Tree, path: PathSegment[], key?: Position): unknown => {
    const container = node.type !== 'scalar' || node.value === null;
    const info: PathInfo = { at: node.at, key, container };
    paths.set(formatPath(path), info);
    if (node.type === 'map') {
      const out: Record<string, unknown> = {};
      for (const [name, entry] of node.entries) out[name] = walk(entry.value, [...path, name], entry.key);
      return out;
    }
    if (node.type === 'seq') return node.items.map((item, i) => walk(item, [...path, i]));
    info.source = node.source;
    if (node.written !== undefined) info.written = node.written;
    if (node.unresolved) info.unresolved = true;
    if (node.issues) issues.push(...node.issues);
    return node.value;
  };
  return { value: walk(tree, []), paths, issues };
}
