/**
 * Parser for Docker Compose's `.env` format: `KEY=VALUE` lines, optional `export ` prefix, `#`
 * comments (inline only after whitespace in unquoted values), single quotes literal, double quotes
 * with escapes (\n \t \r \\ \" \$) and both quoted forms spanning lines. Unquoted and double-quoted
 * values are interpolated (Compose syntax) against the process environment, then the keys defined
 * above them. Hand-written for the same reason as interpolate.ts: dotenv packages differ from
 * Compose on interpolation and quoting.
 */
import type { ConfigIssue } from './errors.ts';
import { interpolate } from './interpolate.ts';

export interface DotenvEntry {
  value: string;
  line: number;
}

export interface DotenvResult {
  entries: Map<string, DotenvEntry>;
  issues: ConfigIssue[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', $: '$' };

export function parseDotenv(
  text: string,
  file: string,
  processEnv: Record<string, string | undefined> = {},
): DotenvResult {
  const entries = new Map<string, DotenvEntry>();
  const issues: ConfigIssue[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const lookup = (name: string) => {
    const fromEnv = processEnv[name];
    if (fromEnv !== undefined) return { value: fromEnv, from: 'env' as const };
    const own = entries.get(name);
    return own ? { value: own.value, from: 'dotenv' as const } : undefined;
  };
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = lines[n]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const bodyCol = indent + (trimmed.length - body.length) + 1;
    const key = KEY.exec(body)?.[0];
    const afterKey = key ? body.slice(key.length).trimStart() : '';
    if (!key || !afterKey.startsWith('=')) {
      issues.push({
        file,
        line: lineNo,
        col: bodyCol,
        path: '',
        message: `expected KEY=VALUE, found "${line.trim()}"`,
      });
      continue;
    }
    let raw = afterKey.slice(1).trimStart();
    const valueCol = bodyCol + body.length - raw.length;
    const quote = raw[0];
    let value: string;
    if (quote === '"' || quote === "'") {
      // Quoted values may span lines: collect until the closing quote (not escaped in "...").
      let content = raw.slice(1);
      let end = findClosingQuote(content, quote);
      while (end === -1 && n + 1 < lines.length) {
        n++;
        content += `\n${lines[n]}`;
        end = findClosingQuote(content, quote);
      }
      if (end === -1) {
        issues.push({ file, line: lineNo, col: valueCol, path: key, message: `unterminated ${quote} quote` });
        continue;
      }
      raw = content.slice(0, end);
      value = quote === "'" ? raw : raw.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all);
      if (quote === '"') value = expand(value, lookup, file, lineNo, valueCol, key, issues);
    } else {
      const comment = raw.search(/\s#/);
      value = (comment === -1 ? raw : raw.slice(0, comment)).trimEnd();
      value = expand(value, lookup, file, lineNo, valueCol, key, issues);
    }
    entries.set(key, { value, line: lineNo });
  }
  return { entries, issues };
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function expand(
  value: string,
  lookup: Parameters<typeof interpolate>[1],
  file: string,
  line: number,
  col: number,
  key: string,
  issues: ConfigIssue[],
): string {
  const result = interpolate(value, lookup);
  for (const p of result.problems) {
    // In .env files an unset variable expands to '' like Compose; only syntax and `?` errors count.
    if (p.kind !== 'unset') issues.push({ file, line, col: col + p.offset, path: key, message: p.message });
  }
  return result.value;
}
