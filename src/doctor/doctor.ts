/** `infinitic doctor`: every rule of the production checklist, all findings at once. */
import type { PromoteProject } from '../promote/project.ts';
import { type Finding, RULES } from './rules.ts';

export interface DoctorReport {
  env: string;
  files: string[];
  /** False when any error-level finding exists (warnings do not fail). */
  ok: boolean;
  errors: number;
  warnings: number;
  findings: Finding[];
  /** Ids of the rules that ran. */
  rules: string[];
}

export function runDoctor(project: PromoteProject): DoctorReport {
  const findings = RULES.flatMap((rule) =>
    rule.check(project).map((f) => ({ id: rule.id, level: rule.level, ...f })),
  );
  const errors = findings.filter((f) => f.level === 'error').length;
  return {
    env: project.envName,
    files: project.files.map((f) => f.path),
    ok: errors === 0,
    errors,
    warnings: findings.length - errors,
    findings,
    rules: RULES.map((r) => r.id),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per finding and its fix, readable without colors. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const mark = f.level === 'error' ? '✗' : '!';
      const where = f.at && f.at !== 'default' ? ` (${f.at})` : '';
      return `  ${mark} ${f.id} ${f.level}: ${f.message}${where}\n      fix: ${f.fix}\n`;
    })
    .join('');
}

export function formatReport(report: DoctorReport): string {
  const title = `doctor: env ${report.env} (${report.files.join(' + ')}): `;
  const summary = report.ok
    ? `passed ${report.rules.length} checks${report.warnings > 0 ? `, ${plural(report.warnings, 'warning')}` : ''}`
    : `${plural(report.errors, 'failure')}, ${plural(report.warnings, 'warning')}`;
  return `${title}${summary}\n${formatFindings(report.findings)}`;
}
