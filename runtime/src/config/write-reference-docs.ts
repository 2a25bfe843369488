/**
 * Regenerates REFERENCE.md from the schema:
 * `node --conditions=source runtime/src/config/write-reference-docs.ts`.
 * A test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { renderReferenceDocs } from './reference-docs.ts';

const target = new URL('./REFERENCE.md', import.meta.url);
writeFileSync(target, renderReferenceDocs());
process.stdout.write(`wrote ${target.pathname}\n`);
