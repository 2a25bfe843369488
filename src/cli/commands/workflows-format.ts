/**
 * Pure helpers of `infinitic workflows`: flags → which names to list, summaries → a table,
 * an inspection → a readable report (tested in workflows-format.test.ts).
 */
import type { HistoryEntry, PendingCommand, WorkflowInspection, WorkflowSummary } from '@infinitic/runtime';
import { LIST_SCAN_LIMIT, type WorkflowList } from '../../embedded/workflows-request.ts';
import { CliError, EXIT } from '../run-cli.ts';

/** `--name A --name B,C` → ['A', 'B', 'C']; none → every workflow the target knows. */
export function workflowNames(flag: string | string[] | undefined, known: readonly string[], where: string) {
  const given = (Array.isArray(flag) ? flag : flag === undefined ? [] : [flag])
    .flatMap((n) => String(n).split(','))
    .map((n) => n.trim());
  if (given.some((n) => n === '')) {
    throw new CliError('--name needs a workflow name, e.g. --name HelloWorkflow', EXIT.usage, 'INF_USAGE');
  }
  if (given.length > 0) return [...new Set(given)];
  if (known.length === 0) {
    throw new CliError(
      `${where} knows no workflow name (none in src/registry.ts or the config's workflows): pass --name NAME`,
      EXIT.invalid,
      'INF_USAGE',
    );
  }
  return [...known];
}

/** Epoch ms → `2026-11-27T10:31:02Z` (UTC, to the second). */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The list as a table (id, name, version, status, started, updated, tags), newest first, or JSON
 * (the array only). `counts` adds a last line when the limit cut the list or a scan cap was reached.
 */
export function formatList(
  summaries: readonly WorkflowSummary[],
  json: boolean,
  counts?: Pick<WorkflowList, 'matched' | 'scanLimitReached'>,
): string {
  if (json) return `${JSON.stringify(summaries, null, 2)}\n`;
  const footer = counts ? listFooter(summaries.length, counts) : [];
  if (summaries.length === 0) return ['(no workflow instances match)', ...footer, ''].join('\n');
  const rows = [['ID', 'NAME', 'VERSION', 'STATUS', 'STARTED', 'UPDATED', 'TAGS']];
  for (const s of summaries) {
    rows.push([
      s.workflowId,
      s.workflowName,
      String(s.version),
      s.status,
      formatTime(s.startedAt),
      formatTime(s.updatedAt),
      s.tags.join(',') || '-',
    ]);
  }
  return [...table(rows), ...footer, ''].join('\n');
}

/** `showing 50 of 1234 instances, newest first (--limit to change)`, and the scan cap when reached. */
function listFooter(shown: number, counts: Pick<WorkflowList, 'matched' | 'scanLimitReached'>): string[] {
  const capped = counts.scanLimitReached;
  const lines: string[] = [];
  if (counts.matched > shown || (capped.length > 0 && shown > 0)) {
    const of = capped.length > 0 ? `${counts.matched}+` : String(counts.matched);
    lines.push(`showing ${shown} of ${of} instances, newest first (--limit to change)`);
  }
  if (capped.length > 0) {
    lines.push(
      `scan cap reached: only ${LIST_SCAN_LIMIT} stored instances of ${capped.join(', ')} were read, so newer ones may be missing (--tag narrows what is read)`,
    );
  }
  return lines;
}

/** A value as short one-line JSON. */
export function brief(value: unknown, max = 120): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `task Shop.pay`, `child Order.run`, `receive 'approval'`, `timer` (its name is always `timer`). */
function commandLabel(kind: string, name: string): string {
  if (kind === 'timer') return 'timer';
  return kind === 'receive' ? `receive '${name}'` : `${kind} ${name}`;
}

/** `#3 receive 'approval', timeout at 2026-…Z (timer #4)`, `#5 timer until 2026-…Z`, `#6 task Shop.pay`. */
function pendingLabel(c: PendingCommand): string {
  const label = `#${c.position} ${commandLabel(c.kind, c.name)}`;
  if (c.timeout) return `${label}, timeout at ${formatTime(c.timeout.at)} (timer #${c.timeout.timer})`;
  return c.until !== undefined ? `${label} until ${formatTime(c.until)}` : label;
}

function entryLine(entry: HistoryEntry): string {
  switch (entry.t) {
    case 'cmd': {
      const args = entry.args ? `(${brief(entry.args).slice(1, -1)})` : '';
      const until = entry.until !== undefined ? ` until ${formatTime(entry.until)}` : '';
      return `#${entry.p} ${commandLabel(entry.kind, entry.name)}${args}${until}`;
    }
    case 'ok':
      return `#${entry.p} completed: ${brief(entry.r)}`;
    case 'ko':
      return `#${entry.p} ${entry.canceled ? 'canceled' : 'failed'}: ${entry.e.name}: ${entry.e.message.split('\n')[0]}`;
    case 'sig':
      return `signal on '${entry.ch}': ${brief(entry.v)}`;
  }
}

/** The inspection as a report: state, pending commands, history summary, result or error. */
export function formatInspection(w: WorkflowInspection, json: boolean): string {
  if (json) return `${JSON.stringify(w, null, 2)}\n`;
  const meta = Object.entries(w.meta).map(([k, v]) => `${k}=${v}`);
  const lines = [
    `${w.workflowName} ${w.workflowId}: ${w.status}`,
    `  method:   ${w.method}(${brief(w.args).slice(1, -1)})`,
    `  version:  ${w.version}   run: ${w.runId}`,
    `  tags:     ${w.tags.join(', ') || '-'}`,
    ...(meta.length > 0 ? [`  meta:     ${meta.join(', ')}`] : []),
    `  started:  ${formatTime(w.startedAt)}   updated: ${formatTime(w.updatedAt)}${
      w.completedAt !== undefined ? `   ended: ${formatTime(w.completedAt)}` : ''
    }`,
  ];
  if (w.status === 'completed') lines.push(`  result:   ${brief(w.result, 400)}`);
  if (w.error) lines.push(`  error:    ${w.error.name}: ${w.error.message.split('\n')[0]}`);
  lines.push(
    w.pending.length === 0 ? '  pending:  none' : `  pending:  ${w.pending.map(pendingLabel).join('; ')}`,
  );
  // an ended instance's record may still list its waiters: they were told, nobody awaits
  if (w.waiters > 0 && w.status === 'running') lines.push(`  waiters:  ${w.waiters} awaiting the result`);
  const { history } = w;
  const kinds = Object.entries(history.byKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  if (history.commands + history.events === 0) {
    lines.push(
      w.status === 'completed' || w.status === 'canceled'
        ? '  history:  dropped at the end (the completion record remains)'
        : '  history:  empty',
    );
  } else {
    lines.push(
      `  history:  ${w.historyLength} entries: ${history.commands} commands${kinds ? ` (${kinds})` : ''}, ${history.events} events`,
    );
    const skipped = w.historyLength - history.last.length;
    if (skipped > 0) lines.push(`    … ${skipped} older entries`);
    for (const entry of history.last) lines.push(`    ${entryLine(entry)}`);
  }
  return `${lines.join('\n')}\n`;
}
