/** `dev restart [service]`: restarts the project's containers (one service or all), then waits for readiness. */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import type { Progress } from './images.ts';
import { listReplicas } from './inventory.ts';
import type { StackModel } from './model.ts';
import { waitReplicasReady } from './replicas.ts';

export async function restart(
  model: StackModel,
  options: { service?: string; docker?: Docker; timeoutMs?: number; progress?: Progress } = {},
): Promise<string[]> {
  const docker = options.docker ?? (await connectDocker());
  const services = model.services.filter((s) => !options.service || s.name === options.service);
  const restarted: string[] = [];
  for (const service of services) {
    const replicas = await listReplicas(docker, model.project, service.name);
    if (replicas.length === 0) continue;
    options.progress?.(`restarting ${replicas.map((r) => r.name).join(', ')}`);
    await Promise.all(replicas.map((r) => docker.getContainer(r.id).restart({ t: 10 })));
    restarted.push(...replicas.map((r) => r.name));
    await waitReplicasReady(docker, model, service, options.timeoutMs ?? 120_000, options.progress);
  }
  return restarted;
}
