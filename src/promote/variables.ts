/**
 * The `${VAR}` placeholders of a project's config files, found per file (not in the merged tree:
 * the pod interpolates every file before merging, so a placeholder overridden by a later file
 * still needs a value). A variable used at a secret path (`isSecretPath`) is a secret: it comes
 * from a Kubernetes Secret, never from a generated file.
 */
import { interpolate, isSecretPath } from '@infinitic/runtime';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export interface ConfigFile {
  /** Relative to the project directory (`config/base.yml`). */
  path: string;
  text: string;
}

export interface ScalarAt {
  file: string;
  line: number;
  col: number;
  /** Dotted path (`storage.redis.password`, `services[0].name`). */
  path: string;
  segments: (string | number)[];
  value: unknown;
}

export interface Variable {
  name: string;
  /** Used at a secret path in some file. */
  secret: boolean;
  /** The written default (`${VAR:-d}` or `${VAR-d}`), when every use has the same one. */
  defaultValue?: string;
  /** Every use has a default: the pod needs no value for it. */
  defaulted: boolean;
  /** Some use has a non-empty default: for a secret, a literal secret in the file (`${VAR:-}` is not one). */
  someValueDefault: boolean;
  /** Where it is written, `config/base.yml:12:9`. */
  usedAt: string[];
  /** The first use without a default, if any. */
  undefaultedAt?: string;
}

function dotted(segments: (string | number)[]): string {
  return segments.reduce<string>(
    (out, s) => (typeof s === 'number' ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`),
    '',
  );
}

/** Every scalar value of a YAML file with its path and position (syntax errors: none; the loader reports them). */
export function scalarsOf(file: ConfigFile): ScalarAt[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter });
  const out: ScalarAt[] = [];
  const walk = (node: unknown, segments: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) walk(pair.value, [...segments, String(pair.key.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...segments, i]);
      });
    } else if (isScalar(node)) {
      const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
      out.push({ file: file.path, line, col, path: dotted(segments), segments, value: node.value });
    }
  };
  if (doc.errors.length === 0) walk(doc.contents, []);
  return out;
}

/** The default written in `${NAME:-d}` / `${NAME-d}` inside `text`, interpolated with nothing set. */
function writtenDefault(text: string, name: string): string | undefined {
  const start = text.search(new RegExp(`\\$\\{${name}:?-`));
  if (start === -1) return undefined;
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) {
      return interpolate(text.slice(start, i + 1), () => undefined).value;
    }
  }
  return undefined;
}

/** The variables of the files, sorted by name. */
export function variablesOf(files: readonly ConfigFile[]): Variable[] {
  type Found = Omit<Variable, 'defaulted' | 'someValueDefault'> & { defaults: Set<string | undefined> };
  const found = new Map<string, Found>();
  for (const file of files) {
    for (const scalar of scalarsOf(file)) {
      if (typeof scalar.value !== 'string' || !scalar.value.includes('$')) continue;
      const { uses } = interpolate(scalar.value, () => undefined);
      for (const use of uses) {
        const entry = found.get(use.name) ?? {
          name: use.name,
          secret: false,
          usedAt: [],
          defaults: new Set<string | undefined>(),
        };
        entry.secret ||= isSecretPath(scalar.segments);
        const where = `${scalar.file}:${scalar.line}:${scalar.col}`;
        const written = writtenDefault(scalar.value, use.name);
        entry.usedAt.push(where);
        entry.defaults.add(written);
        if (written === undefined) entry.undefaultedAt ??= where;
        found.set(use.name, entry);
      }
    }
  }
  return [...found.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ defaults, ...variable }) => {
      const only = defaults.size === 1 ? [...defaults][0] : undefined;
      const flags = {
        defaulted: !defaults.has(undefined),
        someValueDefault: [...defaults].some((d) => d !== undefined && d !== ''),
      };
      return only === undefined ? { ...variable, ...flags } : { ...variable, ...flags, defaultValue: only };
    });
}
