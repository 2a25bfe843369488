/**
 * The worker image's repository name, rendered into the generated README (`docker build -t`) and
 * config/production.yml (`deployment.image` default). An npm name is not an image name: a scope
 * (`@acme/orders`) and some separator runs are refused by Docker.
 *
 * It follows the dev stack's rule (src/stack/dev-config.ts `projectName`: scope dropped, lowercased,
 * image `<project>-worker:dev`), so `infinitic dev up` and the release build tag one repository:
 * `orders-worker:dev` and `orders-worker:1.0.0`. Only runs Docker would refuse are changed here.
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

/** `@acme/orders` → `orders-worker`; `my.app` → `my.app-worker`. */
export function workerImageName(packageName: string): string {
  const project =
    packageName
      .toLowerCase()
      .replace(/^@[^/]+\//, '')
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'infinitic';
  // `a..b`, `a._b`, `a.-worker`, `a___b`: a separator run Docker refuses becomes one `-`.
  return `${project}-worker`.replace(/[._-]+/g, (run) => (/^(?:\.|_|__|-+)$/.test(run) ? run : '-'));
}
