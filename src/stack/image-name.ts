/**
 * The one rule from an npm package name to the project's Docker names: the dev stack's project
 * (container, network and volume prefix) and the worker image repository, which the generated
 * README (`docker build -t`), config/production.yml (`deployment.image` default) and `dev up`
 * (`<repository>:dev`) share. An npm name is not an image name: a scope (`@acme/orders`) and some
 * separator runs are refused by Docker.
 */

// distribution/reference grammar: path components are lowercase alphanumerics joined by one of
// `.`, `_`, `__` or a run of `-`; a domain may lead; tag and digest are optional.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
const MAX_NAME_LENGTH = 255;

/** True when `docker build -t` / `docker pull` accepts `ref` as written. */
export function isDockerReference(ref: string): boolean {
  const name = ref.replace(/@.*$/, '').replace(/:[\w][\w.-]*$/, '');
  return REFERENCE.test(ref) && name.length <= MAX_NAME_LENGTH;
}

/** `@acme/My App` → `my-app`: scope dropped, lowercased, what Docker names refuse turned into `-`. */
export function projectSlug(packageName: string): string {
  return (
    packageName
      .toLowerCase()
      .replace(/^@[^/]+\//, '')
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'infinitic'
  );
}

/** `@acme/orders` → `orders-worker`; `my.app` → `my.app-worker`. */
export function workerImageName(packageName: string): string {
  const project = projectSlug(packageName);
  // `a..b`, `a._b`, `a.-worker`, `a___b`: a separator run Docker refuses becomes one `-`.
  return `${project}-worker`.replace(/[._-]+/g, (run) => (/^(?:\.|_|__|-+)$/.test(run) ? run : '-'));
}
