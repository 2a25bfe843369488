/**
 * Reads the zod schema as data: the schema at a path, the keys a map accepts, the scalar types a
 * value may have. Coercion, did-you-mean and the reference docs all use it, so they can never
 * disagree with validation.
 */
import type * as z from 'zod';
import type { PathSegment } from './flatten.ts';

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are untyped unions
type Def = any;

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
  description?: string;
}

/** Strips optional/default/nullable/preprocess wrappers, keeping what they said. */
export function unwrap(schema: z.ZodType): Unwrapped {
  const out: Unwrapped = { schema, optional: false };
  let current = schema;
  for (;;) {
    out.description ??= current.description;
    const d = def(current);
    if (d.type === 'optional' || d.type === 'nullable') {
      out.optional = true;
      current = d.innerType;
    } else if (d.type === 'default' || d.type === 'prefault') {
      out.optional = true;
      if (!('defaultValue' in out)) out.defaultValue = d.defaultValue;
      current = d.innerType;
    } else if (d.type === 'pipe') {
      current = def(d.in).type === 'transform' ? d.out : d.in;
    } else if (d.type === 'readonly' || d.type === 'catch') {
      current = d.innerType;
    } else break;
  }
  out.schema = current;
  return out;
}

export function typeOf(schema: z.ZodType): string {
  return def(unwrap(schema).schema).type;
}

/** The schema of `segment` inside `schema`, or undefined when the schema does not accept it. */
export function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const inner = unwrap(schema).schema;
  const d = def(inner);
  if (d.type === 'object') return typeof segment === 'string' ? d.shape[segment] : undefined;
  if (d.type === 'array') return typeof segment === 'number' ? d.element : undefined;
  if (d.type === 'record') return d.valueType;
  if (d.type === 'union') {
    for (const option of d.options) {
      const child = childSchema(option, segment);
      if (child) return child;
    }
  }
  return undefined;
}

export function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** The keys an object schema accepts (empty for other schemas). */
export function keysOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const d = def(unwrap(schema).schema);
  return d.type === 'object' ? Object.keys(d.shape) : [];
}

/** The scalar kinds a schema accepts: 'string', 'number', 'boolean', 'null'. */
export function scalarKinds(schema: z.ZodType): Set<string> {
  const kinds = new Set<string>();
  const visit = (s: z.ZodType) => {
    const u = unwrap(s);
    const d = def(u.schema);
    if (def(s).type === 'nullable') kinds.add('null');
    if (d.type === 'union') for (const option of d.options) visit(option);
    else if (d.type === 'number' || d.type === 'int') kinds.add('number');
    else if (d.type === 'boolean') kinds.add('boolean');
    else if (d.type === 'string' || d.type === 'enum') kinds.add('string');
    else if (d.type === 'literal') for (const v of d.values) kinds.add(typeof v);
    else if (d.type === 'unknown' || d.type === 'any') kinds.add('string');
  };
  visit(schema);
  return kinds;
}

/** A short human name of what a schema expects: `number`, `boolean`, `one of gzip | none`, `map`, `list`. */
export function describeExpected(schema: z.ZodType): string {
  const d = def(unwrap(schema).schema);
  switch (d.type) {
    case 'object':
    case 'record':
      return 'map';
    case 'array':
      return `list of ${describeExpected(d.element)}`;
    case 'enum':
      return `one of ${Object.values(d.entries as Record<string, string>).join(' | ')}`;
    case 'literal':
      return d.values.map((v: unknown) => JSON.stringify(v)).join(' | ');
    case 'union':
      return d.options.map(describeExpected).join(' or ');
    case 'number':
      return d.checks?.some((c: Def) => c._zod?.def?.check === 'number_format') ? 'integer' : 'number';
    case 'unknown':
      return 'any value';
    default:
      return d.type;
  }
}
