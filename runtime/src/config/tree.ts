/**
 * The configuration as a tree whose every node remembers where it was written, built from a YAML
 * file (yaml 2 with a LineCounter, interpolation applied to string scalars) or from a plain object.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
} from 'yaml';
import type { ConfigIssue } from './errors.ts';
import { hasPlaceholders, interpolate, type Lookup } from './interpolate.ts';
import { yamlSyntaxIssues } from './yaml-errors.ts';

export interface Position {
  file: string;
  line: number;
  col: number;
}

/**
 * Where a resolved value came from. A value written in a file whose placeholders fell back to their
 * defaults (`${REDIS_PORT:-6379}` with REDIS_PORT unset) is from the file, `defaultOf` naming them.
 */
export type ValueSource =
  | ({ kind: 'file'; defaultOf?: string[] } & Position)
  | ({ kind: 'env'; variable: string } & Position)
  | ({ kind: 'dotenv'; variable: string; envFile: string } & Position)
  | { kind: 'default' }
  | { kind: 'object' };

export interface ScalarTree {
  type: 'scalar';
  value: unknown;
  at: Position;
  source: ValueSource;
  /** The text as written when it contained placeholders (`${PG_PASSWORD}`). */
  written?: string;
  /** Some placeholder could not be resolved (kept as written, or reported as an interpolation error). */
  unresolved?: boolean;
  /** Interpolation errors; reported only if the value survives the merge (a later file may override it). */
  issues?: ConfigIssue[];
}

export interface MapTree {
  type: 'map';
  entries: Map<string, { key: Position; value: Tree }>;
  at: Position;
}

export interface SeqTree {
  type: 'seq';
  items: Tree[];
  at: Position;
}

export type Tree = ScalarTree | MapTree | SeqTree;

export interface TreeOptions {
  lookup: Lookup;
  /** Name of the .env file the `dotenv` values came from. */
  envFile?: string;
  /** Keep unresolved placeholders instead of reporting them (promotion: the pod resolves them). */
  keepPlaceholders?: boolean;
}

/** Parses one YAML file into a tree; every syntax and interpolation problem is returned, located. */
export function treeFromYaml(
  text: string,
  file: string,
  options: TreeOptions,
): { tree: MapTree; issues: ConfigIssue[]; fatal: boolean } {
  const lineCounter = new LineCounter();
  // Duplicate keys are found while building the tree, to name the key and where it was first set.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const issues: ConfigIssue[] = [];
  const pos = (offset: number | undefined): Position => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, col };
  };
  issues.push(...yamlSyntaxIssues(text, doc.errors, pos));
  const top: MapTree = { type: 'map', entries: new Map(), at: pos(0) };
  if (doc.errors.length > 0) return { tree: top, issues, fatal: true };

  const build = (node: unknown, path: string): Tree | undefined => {
    if (isAlias(node)) return build(node.resolve(doc), path);
    const start = pos((node as Node | null)?.range?.[0]);
    if (isMap(node)) {
      const tree: MapTree = { type: 'map', entries: new Map(), at: start };
      const merges: MapTree[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyAt = pos((pair.key as Node | null)?.range?.[0]);
        if (!isScalar(pair.key) || pair.key.value === null || typeof pair.key.value === 'object') {
          issues.push({ ...keyAt, path, message: 'keys must be plain scalars' });
          continue;
        }
        const key = String(pair.key.value);
        // YAML merge keys (`<<: *base`), as Compose accepts them: explicit keys win.
        if (key === '<<') {
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const source of sources) {
            const merged = build(source, path);
            if (merged?.type === 'map') merges.push(merged);
            else issues.push({ ...keyAt, path, message: 'a merge key (<<) takes a map or a list of maps' });
          }
          continue;
        }
        const childPath = path ? `${path}.${key}` : key;
        const first = tree.entries.get(key)?.key;
        if (first) {
          const message = `duplicate key '${key}' (first set at ${first.line}:${first.col})`;
          issues.push({ ...keyAt, path: childPath, message });
        }
        const value = build(pair.value, childPath) ?? nullAt(keyAt, pair.value);
        tree.entries.set(key, { key: keyAt, value });
      }
      for (const merged of merges) {
        for (const [key, entry] of merged.entries) if (!tree.entries.has(key)) tree.entries.set(key, entry);
      }
      return tree;
    }
    if (isSeq(node)) {
      const items = node.items.map((item, i) => build(item, `${path}[${i}]`) ?? nullAt(start, item));
      return { type: 'seq', items, at: start };
    }
    if (isScalar(node)) return scalarFrom(node, start, path);
    return undefined;
  };

  const nullAt = (at: Position, node: unknown): ScalarTree => ({
    type: 'scalar',
    value: null,
    at: (node as Node | null)?.range ? pos((node as Node).range![0]) : at,
    source: { kind: 'file', ...at },
  });

  const scalarFrom = (node: Scalar, at: Position, path: string): ScalarTree => {
    const scalar: ScalarTree = { type: 'scalar', value: node.value, at, source: { kind: 'file', ...at } };
    if (typeof node.value !== 'string' || !hasPlaceholders(node.value)) return scalar;
    const written = node.value;
    const result = interpolate(written, options.lookup);
    // Exact column for one-line plain and quoted scalars; the scalar's start otherwise.
    const [begin, end] = node.range ?? [0, 0];
    const oneLine = !text.slice(begin, end).includes('\n');
    const shift =
      node.type === 'PLAIN' ? 0 : node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : -1;
    const placeholderAt = (offset: number): Position =>
      oneLine && shift >= 0 ? pos(begin + shift + offset) : at;
    scalar.value = result.value;
    scalar.written = written;
    for (const problem of result.problems) {
      // Either kept as written or already reported: the schema must not judge this value again.
      scalar.unresolved = true;
      if (options.keepPlaceholders && problem.kind !== 'invalid') continue;
      scalar.issues = [
        ...(scalar.issues ?? []),
        { ...placeholderAt(problem.offset), path, message: problem.message },
      ];
    }
    const fromVar = result.uses.find((u) => u.resolved === 'env' || u.resolved === 'dotenv');
    if (fromVar?.resolved === 'env') scalar.source = { kind: 'env', variable: fromVar.name, ...at };
    if (fromVar?.resolved === 'dotenv') {
      scalar.source = { kind: 'dotenv', variable: fromVar.name, envFile: options.envFile ?? '.env', ...at };
    }
    // Only outermost placeholders: `${A:-${B:-x}}` is one default, written as a whole.
    const outermost = result.uses.filter(
      (u) => !result.uses.some((v) => v !== u && v.offset <= u.offset && u.end <= v.end),
    );
    const defaultOf = outermost
      .filter((u) => u.resolved === 'default')
      .map((u) => written.slice(u.offset, u.end));
    if (!fromVar && defaultOf.length > 0) scalar.source = { kind: 'file', defaultOf, ...at };
    return scalar;
  };

  const root = doc.contents === null ? undefined : build(doc.contents, '');
  if (root === undefined || (root.type === 'scalar' && root.value === null))
    return { tree: top, issues, fatal: false };
  if (root.type !== 'map') {
    const found = root.type === 'seq' ? 'a list' : 'a single value';
    issues.push({
      ...root.at,
      path: '',
      message: `a configuration file holds a map of keys, found ${found}`,
    });
    return { tree: top, issues, fatal: true };
  }
  return { tree: root, issues, fatal: false };
}

const OBJECT_AT: Position = { file: '<object>', line: 0, col: 0 };

/** A tree for a configuration given as a plain object (parseConfig): every value has origin 'object'. */
export function treeFromObject(value: unknown): Tree {
  if (Array.isArray(value)) return { type: 'seq', items: value.map(treeFromObject), at: OBJECT_AT };
  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, { key: Position; value: Tree }>();
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) entries.set(key, { key: OBJECT_AT, value: treeFromObject(child) });
    }
    return { type: 'map', entries, at: OBJECT_AT };
  }
  return { type: 'scalar', value, at: OBJECT_AT, source: { kind: 'object' } };
}
