import { InfiniticError } from '../errors.ts';

/** One located problem in a configuration: where it is, which key, and what is wrong. */
export interface ConfigIssue {
  /** File the problem is in, `<object>` for in-memory configs, the `.env` path for .env problems. */
  file: string;
  line: number;
  col: number;
  /** Dotted key path (`transport.pulsar.tenant`, `services[0].executor`); empty for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/**
 * Every problem of a configuration at once (YAML syntax, interpolation, schema), one per line as
 * `file:line:col path: message`. Code `INF_CONFIG`.
 */
export class ConfigError extends InfiniticError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], headline?: string) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map(formatIssue).join('\n');
    super('INF_CONFIG', `${headline ?? `invalid configuration (${count})`}:\n${lines}`);
    this.issues = issues;
  }
}
