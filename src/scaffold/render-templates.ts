/**
 * Renders templates/project into a list of files in memory (nothing is written here).
 * - `*.hbs` files go through handlebars (no HTML escaping: we write code and YAML); the others are
 *   copied byte for byte. Handlebars is used only where a value varies.
 * - A rendered file that is empty (a `{{#if}}` around the whole file) is left out: that is how the
 *   sample's files disappear with `--sample none`. Variants are partials (templates/partials), not
 *   copied folders.
 * - npm drops dotfiles such as .gitignore when publishing, so they are stored as `_gitignore` and
 *   renamed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export const RENAMES: Readonly<Record<string, string>> = {
  _gitignore: '.gitignore',
  _dockerignore: '.dockerignore',
};

export interface RenderedFile {
  /** POSIX path relative to the project root. */
  path: string;
  content: Buffer;
}

function makeEngine(partialsDir: string): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // `${VAR:-default}`: written by a helper because `{{x}}}` would read as a triple-stash close.
  hb.registerHelper('env', (name: string, fallback: unknown) => `\${${name}:-${String(fallback)}}`);
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs')) {
      const name = file.replace(/(\.[a-z]+)?\.hbs$/, '');
      hb.registerPartial(name, readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  return hb;
}

function* walk(dir: string, rel = ''): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), relPath);
    else if (entry.isFile()) yield relPath;
  }
}

export function renderTemplates(templatesDir: string, data: Record<string, unknown>): RenderedFile[] {
  const hb = makeEngine(path.join(templatesDir, 'partials'));
  const projectDir = path.join(templatesDir, 'project');
  const files: RenderedFile[] = [];
  for (const rel of walk(projectDir)) {
    const source = readFileSync(path.join(projectDir, rel));
    const segments = rel.split('/');
    const base = segments.pop()!;
    let target = [...segments, RENAMES[base] ?? base].join('/');
    let content = source;
    if (target.endsWith('.hbs')) {
      target = target.slice(0, -'.hbs'.length);
      const text = hb.compile(source.toString('utf8'), { noEscape: true, strict: true })(data);
      if (text.trim() === '') continue;
      content = Buffer.from(text.replace(/^\n+/, ''));
    }
    files.push({ path: target, content });
  }
  return files;
}
