/**
 * Builds .env.example by scanning the rendered config files for `${VAR...}` placeholders, so the
 * list can never drift from the configs (no hand-kept list).
 */

export interface PlaceholderUse {
  file: string;
  line: number;
  /** The `:-` / `-` default, when the placeholder has one. */
  fallback?: string;
  /** True for `${VAR:?msg}` / `${VAR?msg}` and for a bare `${VAR}`: loading fails when unset. */
  required: boolean;
}

// `$$` is Compose's escape for a literal `$`, so a placeholder must not follow another `$`.
const PLACEHOLDER = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

export function scanPlaceholders(files: { path: string; text: string }[]): Map<string, PlaceholderUse[]> {
  const found = new Map<string, PlaceholderUse[]>();
  for (const { path, text } of files) {
    text.split('\n').forEach((lineText, index) => {
      if (lineText.trimStart().startsWith('#')) return;
      for (const match of lineText.matchAll(PLACEHOLDER)) {
        const [, name, operator, argument] = match;
        const use: PlaceholderUse = {
          file: path,
          line: index + 1,
          required: operator === undefined || operator.endsWith('?'),
        };
        if (operator === ':-' || operator === '-') use.fallback = argument;
        const uses = found.get(name!) ?? [];
        uses.push(use);
        found.set(name!, uses);
      }
    });
  }
  return found;
}

export function renderEnvExample(files: { path: string; text: string }[]): string {
  const vars = scanPlaceholders(files);
  const lines = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Compose placeholder in the header
    '# Every environment variable the files in config/ read (generated from their ${...} placeholders).',
    '# Copy to .env for local runs; in staging and production set them in your secret store.',
    '# Commented lines have a default; uncommented ones must be set where the listed files are used.',
  ];
  for (const name of [...vars.keys()].sort()) {
    const uses = vars.get(name)!;
    const where = uses
      .map((u) => `${u.file}:${u.line}${u.required ? ' (required)' : ''}`)
      .filter((w, i, all) => all.indexOf(w) === i);
    const fallback = uses.find((u) => u.fallback !== undefined)?.fallback;
    lines.push('', `# ${name}: ${where.join(', ')}`);
    lines.push(uses.some((u) => u.required) ? `${name}=` : `# ${name}=${fallback ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}
