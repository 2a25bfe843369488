/** Pure checks on what the user typed: package name, Pulsar names, replicas, target directory. */
import path from 'node:path';
import validatePackageName from 'validate-npm-package-name';

/** npm's own rules for new packages; returns the first reason npm would give, or undefined. */
export function validateName(name: string): string | undefined {
  const result = validatePackageName(name);
  if (result.validForNewPackages) return undefined;
  const reasons = [...(result.errors ?? []), ...(result.warnings ?? [])];
  return `"${name}" is not a valid npm package name: ${reasons.join('; ')}`;
}

// Pulsar's NamedEntity rule for tenants and namespaces: letters, digits, - _ = : .
const PULSAR_NAME = /^[-=:.\w]+$/;

export function validatePulsarName(what: 'tenant' | 'namespace', value: string): string | undefined {
  if (PULSAR_NAME.test(value)) return undefined;
  return `"${value}" is not a valid Pulsar ${what} (letters, digits and - _ = : . only)`;
}

export function validateReplicas(value: unknown): string | undefined {
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= 20) return undefined;
  return `replicas must be a whole number from 1 to 20 (got "${String(value)}")`;
}

/**
 * Resolves the target directory against cwd. A relative path must stay inside cwd (`../x` or
 * `a/../../x` is a path escape); an absolute path is taken as the user's explicit choice.
 */
export function resolveTarget(cwd: string, dir: string): { target: string } | { error: string } {
  if (dir.includes('\0')) return { error: 'the directory name contains a NUL byte' };
  const target = path.resolve(cwd, dir);
  if (!path.isAbsolute(dir)) {
    const rel = path.relative(cwd, target);
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      return {
        error: `"${dir}" resolves to ${target}, outside the current directory: give a sub-directory or an absolute path`,
      };
    }
  }
  if (target === path.parse(target).root) return { error: 'refusing to generate into the filesystem root' };
  return { target };
}

/** True when `file` lies inside `root` (guards every path a template produces). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
