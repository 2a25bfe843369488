/**
 * A package staged for `npm pack` with its published manifest: the same files, and a package.json
 * whose `exports`/`imports` drop the "source" condition. In the kit's checkout that condition maps
 * entry points to src/*.ts (the tests run with `--conditions=source`), but the tarballs ship only
 * dist/: an installed copy keeping it would send a `--conditions=source` process to missing files.
 *
 * The stage holds every root-level file, the `files` entries and the bin/main targets, so npm pack
 * run in it applies the package's own rules (`files`, negations, ignore files, always-included
 * README/LICENSE) to the same inputs and names the tarball as it would for the source.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The export condition that points at TypeScript sources the tarballs do not ship. */
export const SOURCE_CONDITION = 'source';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function dropCondition(value: Json, condition: string): Json {
  if (Array.isArray(value)) return value.map((v) => dropCondition(v, condition));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== condition)
      .map(([key, v]) => [key, dropCondition(v, condition)]),
  );
}

/** The manifest as published: `exports` and `imports` without the "source" condition. */
export function publishedManifest(manifest: Record<string, Json>): Record<string, Json> {
  const published = { ...manifest };
  for (const field of ['exports', 'imports'] as const) {
    if (published[field] !== undefined) published[field] = dropCondition(published[field], SOURCE_CONDITION);
  }
  return published;
}

/** What a `files` entry needs on disk: the path up to its first glob character. */
function staticPrefix(pattern: string): string {
  const segments = pattern.replace(/^(\.?\/)+/, '').split('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (/[*?[\]{}!]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

/** Paths (relative to the package root) to copy into the stage. */
function pathsToStage(dir: string, manifest: Record<string, Json>): string[] {
  const { files, bin, main } = manifest;
  const wanted = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== 'package.json') wanted.add(entry.name);
  }
  if (!Array.isArray(files)) {
    // no `files`: npm packs the whole folder minus its ignore rules, which the copy keeps
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '.git')
        wanted.add(entry.name);
    }
  } else {
    for (const entry of files) {
      if (typeof entry !== 'string' || entry.startsWith('!')) continue;
      const prefix = staticPrefix(entry);
      if (prefix) wanted.add(prefix);
    }
  }
  const targets = typeof bin === 'string' ? [bin] : bin && typeof bin === 'object' ? Object.values(bin) : [];
  for (const target of [...targets, main]) {
    if (typeof target === 'string') wanted.add(path.posix.normalize(target.replace(/^(\.?\/)+/, '')));
  }
  return [...wanted].filter((p) => p && !p.startsWith('..') && existsSync(path.join(dir, p)));
}

/**
 * Copies the package in `sourceDir` into `stageDir` (created) with its published manifest.
 * Returns the published manifest.
 */
export function stagePackage(sourceDir: string, stageDir: string): Record<string, Json> {
  const manifest = JSON.parse(readFileSync(path.join(sourceDir, 'package.json'), 'utf8')) as Record<
    string,
    Json
  >;
  mkdirSync(stageDir, { recursive: true });
  for (const rel of pathsToStage(sourceDir, manifest)) {
    cpSync(path.join(sourceDir, rel), path.join(stageDir, rel), { recursive: true, verbatimSymlinks: true });
  }
  const published = publishedManifest(manifest);
  writeFileSync(path.join(stageDir, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  return published;
}
