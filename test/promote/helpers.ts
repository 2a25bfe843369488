/** Shared by the promote and doctor tests: fixture copies, YAML patches, manifests by kind. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parseDocument } from 'yaml';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const appFixture = fileURLToPath(new URL('../fixtures/promote-app', import.meta.url));
export const guideFixture = fileURLToPath(new URL('../fixtures/promote-guide', import.meta.url));

/** A private copy of a fixture project (tests run in parallel); removed by the returned dispose. */
export function copyFixture(fixture: string): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'promote-test-'));
  cpSync(fixture, dir, { recursive: true });
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Patch = { set?: [string, unknown][]; remove?: string[] };

/** Edits a YAML file in place, keys as dotted paths (`transport.pulsar.client`; numbers index lists). */
export function patchYaml(file: string, patch: Patch): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const keys = (path: string) => path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (const path of patch.remove ?? []) doc.deleteIn(keys(path));
  for (const [path, value] of patch.set ?? []) doc.setIn(keys(path), value);
  writeFileSync(file, doc.toString());
}

/** Every YAML document of a generated file, as plain objects. */
export function docsOf(content: string): Record<string, unknown>[] {
  return parseAllDocuments(content).map((d) => {
    if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0]!.message}`);
    return d.toJS() as Record<string, unknown>;
  });
}

// biome-ignore lint/suspicious/noExplicitAny: test access into manifest objects
export type Any = any;
