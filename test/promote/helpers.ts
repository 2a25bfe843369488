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

const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/**
 * What a pod spec breaks of the Kubernetes Pod Security Standards' `restricted` profile, one line
 * a finding ([] when it complies): host namespaces, ports and volume types, privilege escalation,
 * root, seccomp and capabilities, each container checked with the pod-level defaults it inherits.
 */
export function restrictedProfileViolations(pod: Any): string[] {
  const found: string[] = [];
  const podContext = pod.securityContext ?? {};
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[key]) found.push(`pod: ${key}`);
  if (podContext.runAsUser === 0) found.push('pod: runAsUser 0');
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!RESTRICTED_VOLUME_TYPES.includes(type ?? '')) found.push(`volume ${volume.name}: ${type}`);
  }
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const context = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (context.privileged) found.push(`${where}: privileged`);
    if (context.allowPrivilegeEscalation !== false)
      found.push(`${where}: allowPrivilegeEscalation not false`);
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true)
      found.push(`${where}: runAsNonRoot not true`);
    if (context.runAsUser === 0) found.push(`${where}: runAsUser 0`);
    const seccomp = (context.seccompProfile ?? podContext.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      found.push(`${where}: seccompProfile ${seccomp}`);
    if (!context.capabilities?.drop?.includes('ALL')) found.push(`${where}: capabilities not dropping ALL`);
    for (const added of context.capabilities?.add ?? []) {
      if (added !== 'NET_BIND_SERVICE') found.push(`${where}: adds capability ${added}`);
    }
    for (const port of c.ports ?? []) if (port.hostPort) found.push(`${where}: hostPort ${port.hostPort}`);
  }
  return found;
}

/** What `promote --format all` writes for a single worker group, in apply order, then the Pulsar script and README. */
export const PROMOTED_FILES = [
  'kubernetes/00-namespace.yaml',
  'kubernetes/01-rbac.yaml',
  'kubernetes/02-configmap.yaml',
  'kubernetes/03-deployment.yaml',
  'kubernetes/04-service.yaml',
  'kubernetes/05-hpa.yaml',
  'kubernetes/06-pdb.yaml',
  'kubernetes/07-networkpolicy.yaml',
  'docker-compose.yml',
  'pulsar/provision.sh',
  'README.md',
];
