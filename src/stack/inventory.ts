/**
 * What exists for a project, found by labels only (no state file): its containers, with service,
 * replica, state, health, published ports and spec hash.
 */
import type Docker from 'dockerode';
import { LABELS, labelFilter } from './labels.ts';

export interface ReplicaInfo {
  id: string;
  name: string;
  service: string;
  replica: number;
  image: string;
  /** Docker state: running, exited, created, restarting... */
  state: string;
  /** Docker health: healthy, unhealthy, starting, or none. */
  health: string;
  /** Exit code of the last run when it is not running (e.g. 137 after `docker kill`). */
  exitCode?: number;
  /** Host port by container port ("8080" → 18080). */
  ports: Record<string, number>;
  spec: string;
}

/** "Exited (137) 5 seconds ago", "Restarting (1) 2 seconds ago" → 137, 1. */
function exitCodeOf(status: string): number | undefined {
  const match = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : undefined;
}

function healthOf(status: string): string {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  return match ? (match[1] ?? 'none').replace('health: ', '') : 'none';
}

export async function listReplicas(
  docker: Docker,
  project: string,
  service?: string,
): Promise<ReplicaInfo[]> {
  const containers = await docker.listContainers({ all: true, filters: labelFilter(project, service) });
  return containers
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[LABELS.service] ?? '',
      replica: Number(c.Labels[LABELS.replica] ?? 0),
      image: c.Image,
      state: c.State,
      health: c.State === 'running' ? healthOf(c.Status) : 'none',
      ...(c.State === 'running' ? {} : { exitCode: exitCodeOf(c.Status) }),
      ports: Object.fromEntries(
        c.Ports.filter((p) => p.PublicPort).map((p) => [String(p.PrivatePort), p.PublicPort]),
      ),
      spec: c.Labels[LABELS.spec] ?? '',
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.replica - b.replica);
}
