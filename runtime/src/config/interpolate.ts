/**
 * Docker Compose variable interpolation, hand-written: no npm library implements Compose's exact
 * syntax and semantics (compose-go `template` package), so this mirrors them:
 *
 * - `$$` is a literal `$`; `$VAR` and `${VAR}` substitute; names match `[_A-Za-z][_A-Za-z0-9]*`.
 * - `${VAR:-d}` d if VAR is unset or empty; `${VAR-d}` d if VAR is unset.
 * - `${VAR:?msg}` error if unset or empty; `${VAR?msg}` error if unset.
 * - `${VAR:+alt}` alt if VAR is set and non-empty, else ''; `${VAR+alt}` alt if set, else ''.
 * - Defaults, alternatives and messages are themselves interpolated, only when used (`${A:-${B:-x}}`).
 * - A `$` followed by anything else stays literal (`$1`, `a $ b`); `${}`, `${ X}`, `${X:y}` and an
 *   unterminated `${` are "Invalid template" errors.
 *
 * One deliberate difference: Compose warns and substitutes '' for an unset `${VAR}` without a
 * default; here that is an error (like Infinitic's Hoplite loader), unless the caller keeps placeholders.
 */

export type VariableOrigin = 'env' | 'dotenv';

export interface VariableValue {
  value: string;
  from: VariableOrigin;
}

export type Lookup = (name: string) => VariableValue | undefined;

/** How one variable reference was resolved. */
export interface VariableUse {
  name: string;
  /** Offset of the `$` in the original template. */
  offset: number;
  /** Offset just past the placeholder (`$VAR` or `${...}`) in the original template. */
  end: number;
  /**
   * env / dotenv: the value came from there; default: the written default (`${VAR:-d}`, `${VAR-d}`)
   * was used; alternative: the written alternative (`${VAR:+alt}`, `${VAR+alt}`); unset: nothing.
   */
  resolved: VariableOrigin | 'default' | 'alternative' | 'unset';
}

export interface InterpolationProblem {
  kind: 'unset' | 'required' | 'invalid';
  variable?: string;
  offset: number;
  message: string;
}

export interface InterpolationResult {
  value: string;
  uses: VariableUse[];
  problems: InterpolationProblem[];
}

const NAME_START = /[_A-Za-z]/;
const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

/** True when the text contains something interpolation would change (`$$`, `$VAR`, `${...}`). */
export function hasPlaceholders(text: string): boolean {
  return /\$(\$|[_A-Za-z{])/.test(text);
}

/** Index of the `}` closing the `{` at `open`, counting nested braces like compose-go; -1 if none. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function interpolate(template: string, lookup: Lookup): InterpolationResult {
  const result: InterpolationResult = { value: '', uses: [], problems: [] };
  result.value = substitute(template, 0, lookup, result);
  return result;
}

function substitute(text: string, base: number, lookup: Lookup, acc: InterpolationResult): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      const name = NAME.exec(text.slice(dollar + 1))![0];
      const end = base + dollar + 1 + name.length;
      out += resolve(name, undefined, '', { offset: base + dollar, end }, lookup, acc);
      i = dollar + 1 + name.length;
    } else if (next === '{') {
      const close = closingBrace(text, dollar + 1);
      if (close === -1) {
        acc.problems.push({
          kind: 'invalid',
          offset: base + dollar,
          message: `Invalid template: "${text.slice(dollar)}" (unterminated "\${"; write "$$" for a literal "$")`,
        });
        return out + text.slice(dollar);
      }
      const inner = text.slice(dollar + 2, close);
      const name = NAME.exec(inner)?.[0];
      const rest = name ? inner.slice(name.length) : '';
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!name || (rest !== '' && !op)) {
        acc.problems.push({
          kind: 'invalid',
          offset: base + dollar,
          message: `Invalid template: "${text.slice(dollar, close + 1)}"`,
        });
        out += text.slice(dollar, close + 1);
      } else {
        const argOffset = base + dollar + 2 + name.length + (op?.length ?? 0);
        const arg = op ? rest.slice(op.length) : '';
        const span = { offset: base + dollar, end: base + close + 1 };
        out += resolve(name, op, arg, span, lookup, acc, argOffset);
      }
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

function resolve(
  name: string,
  op: Operator | undefined,
  arg: string,
  { offset, end }: { offset: number; end: number },
  lookup: Lookup,
  acc: InterpolationResult,
  argOffset = offset,
): string {
  const found = lookup(name);
  const set = found !== undefined;
  const nonEmpty = set && found.value !== '';
  const use = (resolved: VariableUse['resolved']) => acc.uses.push({ name, offset, end, resolved });
  const fromArg = (kind: 'default' | 'alternative') => {
    use(kind);
    return substitute(arg, argOffset, lookup, acc);
  };
  const fromVar = () => {
    use(found!.from);
    return found!.value;
  };
  switch (op) {
    case undefined:
      if (set) return fromVar();
      use('unset');
      acc.problems.push({
        kind: 'unset',
        variable: name,
        offset,
        message: `variable ${name} is not set and has no default (write \${${name}:-default} to give one)`,
      });
      return '';
    case ':-':
      return nonEmpty ? fromVar() : fromArg('default');
    case '-':
      return set ? fromVar() : fromArg('default');
    case ':+':
      if (nonEmpty) return fromArg('alternative');
      use(set ? found.from : 'unset');
      return '';
    case '+':
      if (set) return fromArg('alternative');
      use('unset');
      return '';
    case ':?':
    case '?': {
      if (op === ':?' ? nonEmpty : set) return fromVar();
      use('unset');
      const detail = substitute(arg, argOffset, lookup, acc);
      const why = op === ':?' && set ? 'is empty' : 'is missing a value';
      acc.problems.push({
        kind: 'required',
        variable: name,
        offset,
        message: `required variable ${name} ${why}${detail ? `: ${detail}` : ''}`,
      });
      return '';
    }
  }
}
