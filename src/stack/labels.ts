/**
 * The one place the dev stack's Docker label keys live. Every container, network and volume the
 * stack creates carries them, so `status`, `logs`, `scale` and `down` find everything by label,
 * without a state file.
 */
export const LABELS = {
  project: 'io.infinitic.project',
  service: 'io.infinitic.service',
  replica: 'io.infinitic.replica',
  /** Hash of the container's create options: `up` replaces a container whose hash changed. */
  spec: 'io.infinitic.spec',
  /** Put by tests on top of the others so the test runner can sweep leftovers. */
  test: 'io.infinitic.test',
} as const;

/** Labels of one stack object; `extra` (e.g. the test label) is merged in. */
export function stackLabels(
  project: string,
  service?: string,
  replica?: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = { ...extra, [LABELS.project]: project };
  if (service) labels[LABELS.service] = service;
  if (replica !== undefined) labels[LABELS.replica] = String(replica);
  return labels;
}

/** A Docker `filters` object matching the project, and optionally a service. */
export function labelFilter(project: string, service?: string): { label: string[] } {
  const label = [`${LABELS.project}=${project}`];
  if (service) label.push(`${LABELS.service}=${service}`);
  return { label };
}
