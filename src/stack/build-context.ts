/**
 * The worker image's build context: the project folder minus .dockerignore'd paths, plus, when the
 * host has an extra CA bundle (NODE_EXTRA_CA_CERTS or `dev.caBundle`), that bundle as
 * certs/extra-ca.crt. The generated Dockerfile copies certs/ into its build stage only, so `npm ci`
 * works behind a TLS-intercepting proxy without the CA ending up in the final image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-fs';

// a CommonJS module whose typings declare a default export it does not have at runtime
const dockerIgnore = createRequire(import.meta.url)(
  '@balena/dockerignore',
) as typeof import('@balena/dockerignore').default;

/** Where the host CA bundle lands inside the build context. */
export const CA_BUNDLE_PATH = 'certs/extra-ca.crt';

export function buildContext(projectDir: string, caBundle?: string): Readable {
  const ignoreFile = join(projectDir, '.dockerignore');
  const rules = dockerIgnore({ ignorecase: false });
  if (existsSync(ignoreFile)) rules.add(readFileSync(ignoreFile, 'utf8'));
  const ca = caBundle && existsSync(caBundle) ? readFileSync(caBundle) : undefined;
  return pack(projectDir, {
    ignore: (name) => {
      const path = relative(projectDir, name).split(sep).join('/');
      return path !== '' && rules.ignores(path);
    },
    finalize: false,
    finish: (tar) => {
      if (ca) tar.entry({ name: CA_BUNDLE_PATH, mode: 0o644 }, ca);
      tar.finalize();
    },
  });
}
