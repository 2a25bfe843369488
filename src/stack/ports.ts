/**
 * Busy host ports are found before anything starts. A port already published by this project's
 * own containers is not "busy" (re-running `up` keeps them). Each busy port gets a free suggestion
 * (get-port); `freePorts: true` applies the suggestions instead of failing.
 */
import type Docker from 'dockerode';
import getPort, { portNumbers } from 'get-port';
import { STACK_CODES, StackError } from './errors.ts';
import { labelFilter } from './labels.ts';
import type { StackModel } from './model.ts';

export interface PortConflict {
  service: string;
  name: string;
  port: number;
  suggestion: number;
}

export async function findPortConflicts(docker: Docker, model: StackModel): Promise<PortConflict[]> {
  const ours = new Set<number>();
  for (const c of await docker.listContainers({ filters: labelFilter(model.project) })) {
    for (const p of c.Ports) if (p.PublicPort) ours.add(p.PublicPort);
  }
  const conflicts: PortConflict[] = [];
  const taken = new Set<number>();
  for (const service of model.services) {
    for (const port of service.ports) {
      if (port.host === 0 || ours.has(port.host)) continue;
      const free = (await getPort({ port: port.host })) === port.host && !taken.has(port.host);
      taken.add(port.host);
      if (free) continue;
      const near = portNumbers(Math.min(port.host + 10000, 64000), Math.min(port.host + 10100, 65000));
      let suggestion = await getPort({ port: near });
      while (taken.has(suggestion)) suggestion = await getPort();
      taken.add(suggestion);
      conflicts.push({ service: service.name, name: port.name, port: port.host, suggestion });
    }
  }
  return conflicts;
}

export function portConflictError(conflicts: PortConflict[]): StackError {
  const list = conflicts.map((c) => `${c.port} (${c.service} ${c.name})`).join(', ');
  const flags = conflicts.map((c) => `--port ${c.service}.${c.name}=${c.suggestion}`).join(' ');
  return new StackError(
    STACK_CODES.portBusy,
    `host port${conflicts.length > 1 ? 's' : ''} ${list} already in use; free instead: infinitic dev up ${flags} (or set dev.ports in config/dev.yml, or pass --free-ports)`,
  );
}

/** Checks the model's host ports; with `freePorts` moves busy ones to the suggestions (mutates the model). */
export async function checkPorts(
  docker: Docker,
  model: StackModel,
  freePorts = false,
): Promise<PortConflict[]> {
  const conflicts = await findPortConflicts(docker, model);
  if (conflicts.length === 0) return [];
  if (!freePorts) throw portConflictError(conflicts);
  for (const c of conflicts) {
    const port = model.services.find((s) => s.name === c.service)?.ports.find((p) => p.name === c.name);
    if (port) port.host = c.suggestion;
  }
  return conflicts;
}
