/**
 * yaml's syntax errors as located config issues: the first few of a cascade, each at the place a
 * user would fix (the quote or bracket left open, not the end of the file), in config terms.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import { type CST, Parser, parseAllDocuments, type YAMLError } from 'yaml';
import type { ConfigIssue } from './errors.ts';
import type { Position } from './tree.ts';

const MAX_SYNTAX_ERRORS = 5;

/** Every syntax error of one file, located with `pos` (offset to file:line:col). */
export function yamlSyntaxIssues(
  text: string,
  errors: readonly YAMLError[],
  pos: (offset: number) => Position,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const claimBracket = bracketClaimer(text);
  // One syntax error cascades into many: report the first few, and how many more there are.
  let hinted = false;
  for (const error of errors.slice(0, MAX_SYNTAX_ERRORS)) {
    if (error.code === 'MULTIPLE_DOCS') {
      // yaml points at the second document's start (its `---` or `...`).
      const count = parseAllDocuments(text).length;
      const message = `a config file holds one YAML document; this one has ${count} (split it into files passed in order)`;
      issues.push({ ...pos(error.pos[0]), path: '', message });
      continue;
    }
    let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // yaml reports an unclosed quote or bracket where the text ends or the block resumes; point
    // at the quote or bracket that opened it.
    const quote =
      error.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(message)?.[1] : undefined;
    const flow = /^Flow (sequence|map) (in block collection )?must/.exec(message)?.[1];
    const offset = quote
      ? openingQuote(text, error.pos[0], quote)
      : flow
        ? claimBracket(flow === 'sequence' ? '[' : '{', error.pos[0])
        : error.pos[0];
    const at = pos(offset);
    // The classic: `{token: ${TOKEN}}` — in a flow map `{` opens a map, so the placeholder needs quotes.
    if (!hinted && /\{[^}\n]*\$\{/.test(text.split('\n')[at.line - 1] ?? '')) {
      message += ' (inside {…} or […], quote placeholders: "${VAR}")';
      hinted = true;
    }
    issues.push({ ...at, path: '', message: `YAML syntax: ${message}` });
  }
  if (errors.length > MAX_SYNTAX_ERRORS) {
    const last = errors[MAX_SYNTAX_ERRORS]!;
    const more = errors.length - MAX_SYNTAX_ERRORS;
    issues.push({
      ...pos(last.pos[0]),
      path: '',
      message: `YAML syntax: ${more} more error(s) follow from the ones above`,
    });
  }
  return issues;
}

/**
 * Offset of the quote opening the scalar left unclosed before `end`: after it, a double-quoted
 * scalar holds only escaped quotes (`\"`), a single-quoted one only doubled quotes (`''`).
 */
function openingQuote(text: string, end: number, quote: string): number {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"') {
      let backslashes = 0;
      while (text[i - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) return i;
    } else {
      let run = 1;
      while (text[i - run] === quote) run++;
      if (run % 2 === 1) return i - run + 1;
      i -= run - 1;
    }
  }
  return end;
}

/**
 * Claims, for each unclosed-bracket error, the `[` or `{` it is about. yaml reports nested ones
 * innermost first, each where it gave up: an error belongs to the latest unclaimed bracket of its
 * kind opened before that place. The brackets are found only when such an error occurs.
 */
function bracketClaimer(text: string) {
  let open: { offset: number; bracket: string }[] | undefined;
  return (bracket: '[' | '{', errorAt: number): number => {
    open ??= unclosedFlowCollections(text);
    let best: number | undefined;
    for (const [i, b] of open.entries()) {
      if (b.bracket !== bracket || b.offset >= errorAt) continue;
      if (best === undefined || b.offset > open[best]!.offset) best = i;
    }
    return best === undefined ? errorAt : open.splice(best, 1)[0]!.offset;
  };
}

/** The `[` and `{` that no `]` or `}` closes, from yaml's tokens (brackets in quotes or comments do not count). */
function unclosedFlowCollections(text: string): { offset: number; bracket: string }[] {
  const found: { offset: number; bracket: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const token = node as CST.FlowCollection;
    if (token.type === 'flow-collection') {
      const bracket = token.start.source;
      if (token.end[0]?.source !== (bracket === '[' ? ']' : '}'))
        found.push({ offset: token.offset, bracket });
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk([...new Parser().parse(text)]);
  return found;
}
