/** Where the kit's own files are, whether it runs from source (src/) or from its build (dist/src/). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findKitRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'create-infinitic-app') {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the create-infinitic-app package root');
    dir = parent;
  }
}

export const KIT_ROOT = findKitRoot();
export const TEMPLATES_DIR = path.join(KIT_ROOT, 'templates');
