/**
 * The one rule deciding which configuration values are secrets (masked as `****` by render and
 * forbidden as literals in production files): the last key of the path names a password, token,
 * private key, secret or credential. `tlsKeyFilePath`, `keySetTable`, `keyValue` are not secrets.
 */
const SECRET_KEY =
  /(password|passwd|passphrase|token|secret|credentials?|privatekey|apikey|accesskey)$|^key$/i;

export const SECRET_MASK = '****';

/** `path` as segments (`['storage', 'redis', 'password']`) or dotted (`storage.redis.password`). */
export function isSecretPath(path: readonly (string | number)[] | string): boolean {
  const segments = typeof path === 'string' ? path.split('.') : path;
  const last = [...segments].reverse().find((s) => typeof s === 'string');
  return typeof last === 'string' && SECRET_KEY.test(last);
}
