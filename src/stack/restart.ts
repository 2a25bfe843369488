/** `dev restart [service]`: restarts the project's containers (one service or all), then waits for readiness. */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { listReplicas } from './inventory.ts';
import type { StackModel } from './model.ts';
import { waitReplicasReady } from './replicas.ts';

export async function restart(
  model: StackModel,
  options: { service?: string; docker?: Docker; timeoutMs?: number } = {},
): Promise<string[]> {
  const docker = options.docker ?? (await connectDocker());
  const services = model.services.filter((s) => !options.service || s.name === options.service);
  const restarted: string[] = [];
  for (const service of services) {
    const replicas = await listReplicas(docker, model.project, service.name);
    await Promise.all(replicas.map((r) => docker.getContainer(r.id).restart({ t: 10 })));
    restarted.push(...replicas.map((r) => r.name));
    await waitReplicasReady(docker, model, service, options.timeoutMs ?? 120_000);
  }
  return restarted;
}
