/**
 * A static check of workflow source files (for `infinitic` dev tooling and tests): workflow code
 * must stay deterministic, so it may import only the runtime's workflow API, other workflow
 * modules (relative paths) and types (`import type`). It also flags the usual sources of
 * non-determinism. Each finding is located (file:line:col) and says how to fix it.
 */

export interface WorkflowSourceFinding {
  file: string;
  line: number;
  col: number;
  message: string;
}

const ALLOWED_PACKAGES = new Set(['@infinitic/runtime', '@infinitic/runtime/workflow']);

const FORBIDDEN_CALLS: Array<{ pattern: RegExp; fix: string }> = [
  { pattern: /\bDate\.now\s*\(/g, fix: 'use now() (or this.now()), which replays the same time' },
  { pattern: /\bnew\s+Date\s*\(\s*\)/g, fix: 'use new Date(now()), which replays the same time' },
  { pattern: /\bMath\.random\s*\(/g, fix: 'use random() (or this.random()), seeded per instance' },
  { pattern: /\bcrypto\.randomUUID\s*\(/g, fix: 'use uuid(), seeded per instance' },
  {
    pattern: /\bset(Timeout|Interval|Immediate)\s*\(/g,
    fix: 'use sleep(ms) (or this.sleep()), a durable timer',
  },
  { pattern: /\bfetch\s*\(/g, fix: 'do I/O in a service task and call it through proxyService()' },
  { pattern: /\bprocess\.env\b/g, fix: 'pass configuration as workflow arguments or meta' },
];

/** Blanks comments and string contents (keeping offsets), so patterns only match code. */
function codeOnly(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g,
    (m) =>
      m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m[0] + m.slice(1, -1).replace(/[^\n]/g, ' ') + m.at(-1),
  );
}

function position(source: string, index: number): { line: number; col: number } {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

/**
 * @example
 * for (const f of checkWorkflowSource(await readFile(path, 'utf8'), path)) {
 *   console.error(`${f.file}:${f.line}:${f.col} ${f.message}`);
 * }
 */
export function checkWorkflowSource(source: string, file: string): WorkflowSourceFinding[] {
  const findings: WorkflowSourceFinding[] = [];
  const importRe =
    /\b(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*(['"])([^'"]+)\4|\bimport\s*\(\s*(['"])([^'"]+)\6\s*\)/g;
  for (const match of source.matchAll(importRe)) {
    const specifier = match[5] ?? match[7] ?? '';
    const typeOnly =
      Boolean(match[2]) || /^\{\s*(type\s+[\w$]+\s*(as\s+[\w$]+\s*)?,?\s*)+\}$/.test(match[3] ?? '');
    if (typeOnly || specifier.startsWith('.') || ALLOWED_PACKAGES.has(specifier)) continue;
    const { line, col } = position(source, match.index ?? 0);
    findings.push({
      file,
      line,
      col,
      message:
        `workflow code imports '${specifier}': workflows may only import '@infinitic/runtime', other workflow ` +
        `modules and types. Use \`import type\` for services, and run I/O in a service task.`,
    });
  }
  const code = codeOnly(source);
  for (const { pattern, fix } of FORBIDDEN_CALLS) {
    for (const match of code.matchAll(pattern)) {
      const { line, col } = position(source, match.index ?? 0);
      findings.push({
        file,
        line,
        col,
        message: `non-deterministic ${match[0].replace(/\s*\($/, '()')} in workflow code: ${fix}`,
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.col - b.col);
}
