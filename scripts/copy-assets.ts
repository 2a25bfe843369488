/**
 * Copies the non-TypeScript files the runtime reads at run time (Lua scripts) next to their
 * compiled modules, since tsc only emits .js. Runs after `tsc --build` in `npm run build`.
 */
import { cpSync, globSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const runtimeSrc = join(root, 'runtime', 'src');
const runtimeOut = join(root, 'runtime', 'dist', 'src');

for (const file of globSync('**/*.lua', { cwd: runtimeSrc })) {
  const target = join(runtimeOut, file);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(runtimeSrc, file), target);
  console.log(`copied ${relative(root, join(runtimeSrc, file))} -> ${relative(root, target)}`);
}
