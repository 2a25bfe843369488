/**
 * A loaded-with-placeholders config where some placeholder failed a schema check (a URL that is
 * still `${PULSAR_URL:?…}`) comes back from the loader unparsed, without its defaults. Promotion
 * needs the defaults (deployment, observability, …), so the placeholders are swapped for neutral
 * stand-ins that satisfy the schema and the config is parsed again. The rules never judge those
 * paths (they are in `unresolved`), and the generators read none of their values.
 */
import { ConfigError, configSchema, type InfiniticConfig } from '@infinitic/runtime';

const CANDIDATES = [
  'unresolved',
  'pulsar+ssl://unresolved.invalid:6651',
  'https://unresolved.invalid',
  'wss://unresolved.invalid',
];

type Segment = string | number;

export function segmentsOf(path: string): Segment[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (out, s) => (typeof s === 'number' ? `${out}[${s}]` : out === '' ? String(s) : `${out}.${String(s)}`),
    '',
  );
}

function setAt(root: unknown, segments: Segment[], value: unknown): void {
  let node = root as Record<Segment, unknown>;
  for (const segment of segments.slice(0, -1)) {
    if (node[segment] === null || typeof node[segment] !== 'object') return;
    node = node[segment] as Record<Segment, unknown>;
  }
  node[segments.at(-1)!] = value;
}

/** `config` as parsed by the schema (defaults applied), with stand-ins at the unresolved paths. */
export function withDefaults(config: InfiniticConfig, unresolved: Set<string>): InfiniticConfig {
  const first = configSchema.safeParse(config);
  if (first.success) return first.data;
  const choice = new Map<string, number>();
  for (let round = 0; round <= CANDIDATES.length; round++) {
    const value = structuredClone(config);
    for (const [path, index] of choice) setAt(value, segmentsOf(path), CANDIDATES[index]);
    const parsed = configSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    let progressed = false;
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      const next = (choice.get(path) ?? -1) + 1;
      if (unresolved.has(path) && next < CANDIDATES.length) {
        choice.set(path, next);
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  // Not expected: the loader validated everything else. Say where, rather than fail later.
  const issues = (configSchema.safeParse(config).error?.issues ?? []).map((issue) => ({
    file: '<promote>',
    line: 0,
    col: 0,
    path: formatPath(issue.path),
    message: issue.message,
  }));
  throw new ConfigError(issues, 'configuration cannot be completed with its placeholders');
}
