/**
 * `logging.format: pretty`: the same pino records as the JSON format, one readable line each, for
 * a developer's terminal (`12:04:05.123 INFO  orders-worker: task completed taskName=sayHello`).
 * Hand-written rather than pino-pretty: the worker image would carry a dozen more packages for a
 * development nicety, and this needs only the record's own fields.
 */
import type { DestinationStream } from 'pino';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields shown in the line's head or not at all. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'err']);

export interface PrettyOptions {
  /** ANSI colors for the level; default: when `out` is a TTY and NO_COLOR is unset. */
  colors?: boolean;
}

interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toISOString().slice(11, 23);
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** One record (a pino JSON line) as text; a line that is not JSON passes through unchanged. */
export function formatPretty(line: string, colors = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const label = (LEVEL_NAMES[level] ?? `L${level}`).padEnd(5);
  const shownLevel = colors ? `\u001b[${LEVEL_COLORS[level] ?? '0'}m${label}\u001b[0m` : label;
  const name = typeof record.name === 'string' ? `${record.name}: ` : '';
  const fields = Object.entries(record)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const head = [clock(record.time), shownLevel, `${name}${record.msg ?? ''}`, ...fields].join(' ');
  const err = record.err as { stack?: string; message?: string } | undefined;
  const detail = err ? `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : '';
  return `${head}${detail}\n`;
}

/** A pino destination writing pretty lines to `out` (default stdout). */
export function prettyDestination(
  out: Writer = process.stdout,
  options: PrettyOptions = {},
): DestinationStream {
  const colors = options.colors ?? (out.isTTY === true && !process.env.NO_COLOR);
  return { write: (line: string) => out.write(formatPretty(line, colors)) };
}
