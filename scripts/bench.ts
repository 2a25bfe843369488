/**
 * `npm run bench`: runs every benchmark under scripts/bench/ one after another (each prints its
 * own figures and ratios against a baseline measured in the same run) and ends with a summary.
 * `npm run bench -- tasks dev` runs only those. Benchmarks are never timed tests: they report.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, 'bench');
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(64);
}

const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n=== bench:${name} ===`);
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--conditions=source', join(dir, `${name}.ts`)], {
    stdio: 'inherit',
  });
  results.push({ name, ok: run.status === 0, seconds: (performance.now() - started) / 1000 });
}
console.log('\nsummary:');
for (const r of results)
  console.log(`  ${r.name.padEnd(12)} ${r.ok ? 'ok    ' : 'FAILED'} ${r.seconds.toFixed(1)} s`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
