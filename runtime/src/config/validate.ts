/**
 * Schema validation of a flattened configuration: typed coercion of interpolated strings (driven
 * by the schema), zod parsing, and every zod issue turned into a located, readable ConfigIssue.
 */
import { closest, distance } from 'fastest-levenshtein';
import type * as z from 'zod';
import type { ConfigIssue } from './errors.ts';
import { formatPath, type PathInfo, type PathSegment } from './flatten.ts';
import { configSchema, type InfiniticConfig } from './schema/index.ts';
import { describeExpected, keysOf, scalarKinds, schemaAt } from './schema-walk.ts';

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'off']);

/**
 * Interpolation yields strings; `port: ${REDIS_PORT:-6379}` must become a number. Only values that
 * had placeholders are converted, and only to a type the schema expects there.
 */
function coerce(value: unknown, path: PathSegment[], paths: Map<string, PathInfo>): unknown {
  if (Array.isArray(value)) return value.map((item, i) => coerce(item, [...path, i], paths));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v, [...path, k], paths)]));
  }
  const info = paths.get(formatPath(path));
  if (typeof value !== 'string' || info?.written === undefined) return value;
  const schema = schemaAt(configSchema, path);
  if (!schema) return value;
  const kinds = scalarKinds(schema);
  if (info.unresolved) {
    // Keep-placeholders mode: a typed stand-in lets the rest validate; render prints `written`.
    if (kinds.has('string')) return info.written;
    if (kinds.has('number')) return 1;
    if (kinds.has('boolean')) return false;
  }
  if (kinds.has('string')) return value;
  const text = value.trim();
  if (kinds.has('number') && NUMBER.test(text)) return Number(text);
  if (kinds.has('boolean') && TRUE.has(text.toLowerCase())) return true;
  if (kinds.has('boolean') && FALSE.has(text.toLowerCase())) return false;
  if (kinds.has('null') && text === '') return null;
  return value;
}

function found(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** Keys of older Infinitic versions, with where they went. */
const MOVED: Record<string, string> = {
  pulsar: "since Infinitic 0.16 it lives under 'transport:' (transport.pulsar)",
  defaultRetry: "removed in Infinitic 0.16; set 'retry' in each executor",
  serviceDefault: 'removed in Infinitic 0.16; configure each service',
  workflowDefault: 'removed in Infinitic 0.16; configure each workflow',
};

/** `unknown key 'brokerServiceURL' (did you mean 'brokerServiceUrl'?)`. */
function unknownKeyMessage(key: string, allowed: string[], topLevel = false): string {
  if (topLevel && MOVED[key]) return `unknown key '${key}': ${MOVED[key]}`;
  if (allowed.length === 0) return `unknown key '${key}': this section takes no keys`;
  const lower = allowed.find((k) => k.toLowerCase() === key.toLowerCase());
  const near = lower ?? closest(key, allowed);
  if (lower || distance(key, near) <= Math.max(2, Math.floor(key.length / 3))) {
    return `unknown key '${key}' (did you mean '${near}'?)`;
  }
  const list = allowed.length <= 12 ? allowed.join(', ') : `${allowed.slice(0, 12).join(', ')}, …`;
  return `unknown key '${key}'; expected one of: ${list}`;
}

/**
 * The best position for a path: a scalar's value; a map's, list's or empty value's key; for a
 * missing key, its parent's key (where to add it).
 */
function locate(paths: Map<string, PathInfo>, path: readonly PathSegment[], preferKey = false) {
  for (let n = path.length; n >= 0; n--) {
    const info = paths.get(formatPath(path.slice(0, n)));
    if (info) return ((preferKey || info.container || n < path.length) && info.key) || info.at;
  }
  return { file: '<unknown>', line: 0, col: 0 };
}

function messageFor(issue: z.core.$ZodIssue, root: unknown): string {
  const path = issue.path as PathSegment[];
  const last = path.at(-1);
  const key = typeof last === 'string' ? last : 'value';
  const input = valueAt(root, path);
  const schema = schemaAt(configSchema, path);
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `missing required key '${key}'`;
      return `expected ${schema ? describeExpected(schema) : issue.expected}, found ${found(input)}`;
    case 'invalid_value':
      if (!issue.message.startsWith('Invalid')) return issue.message;
      return `expected ${schema ? describeExpected(schema) : 'another value'}, found ${found(input)}`;
    case 'too_small':
      return `${key} must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, but was ${String(input)}`;
    case 'too_big':
      return `${key} must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, but was ${String(input)}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid')
        ? `${key} has an invalid format: ${found(input)}`
        : issue.message;
    default:
      return issue.message;
  }
}

export interface ValidationResult {
  config?: InfiniticConfig;
  issues: ConfigIssue[];
}

export function validateFlat(value: unknown, paths: Map<string, PathInfo>): ValidationResult {
  const coerced = coerce(value, [], paths);
  const parsed = configSchema.safeParse(coerced);
  if (parsed.success) return { config: parsed.data, issues: [] };
  const unresolved = [...paths].filter(([, info]) => info.unresolved).map(([p]) => p);
  const issues: ConfigIssue[] = [];
  // A typo'd key already says "did you mean 'x'?": do not also report 'x' as missing.
  const suggested = new Set<string>();
  for (const issue of parsed.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const allowed = keysOf(schemaAt(configSchema, issue.path as PathSegment[]));
    for (const key of issue.keys) {
      const near = /did you mean '(.+)'/.exec(unknownKeyMessage(key, allowed))?.[1];
      if (near) suggested.add(formatPath([...(issue.path as PathSegment[]), near]));
    }
  }
  for (const issue of parsed.error.issues) {
    const path = issue.path as PathSegment[];
    const where = formatPath(path);
    // A value that stays `${VAR}` cannot be checked (the pod resolves it), or was already reported.
    if (unresolved.some((p) => where === p || where.startsWith(`${p}.`))) continue;
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysOf(schemaAt(configSchema, path));
      for (const key of issue.keys) {
        const at = locate(paths, [...path, key], true);
        const message = unknownKeyMessage(key, allowed, path.length === 0);
        issues.push({ ...at, path: formatPath([...path, key]), message });
      }
      continue;
    }
    const missing = valueAt(coerced, path) === undefined;
    if (missing && suggested.has(where)) continue;
    issues.push({ ...locate(paths, path), path: where, message: messageFor(issue, coerced) });
  }
  if (issues.length === 0) {
    // Only unresolved placeholders failed: return the config as it is, unchecked at those paths.
    return { config: coerced as InfiniticConfig, issues };
  }
  return { issues };
}
