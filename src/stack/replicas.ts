/**
 * Brings one service to N replicas: keeps a running replica whose spec hash matches, replaces one
 * that changed or stopped, removes replicas above N. Then waits for each replica's real readiness.
 */
import type Docker from 'dockerode';
import { containerSpec } from './container-spec.ts';
import { listReplicas, type ReplicaInfo } from './inventory.ts';
import type { StackModel, StackService } from './model.ts';
import { containerHealthy, httpOk, redisPing, waitUntil } from './wait.ts';

export interface EnsureResult {
  kept: string[];
  created: string[];
  removed: string[];
}

export async function ensureReplicas(
  docker: Docker,
  model: StackModel,
  service: StackService,
  imageId: string,
  count = service.replicas,
): Promise<EnsureResult> {
  const result: EnsureResult = { kept: [], created: [], removed: [] };
  const existing = await listReplicas(docker, model.project, service.name);
  for (const old of existing.filter((r) => r.replica > count || r.replica < 1)) {
    await docker.getContainer(old.id).remove({ force: true });
    result.removed.push(old.name);
  }
  const starts: Promise<void>[] = [];
  for (let replica = 1; replica <= count; replica++) {
    const spec = containerSpec(model, service, replica, imageId);
    const hash = (spec.Labels as Record<string, string>)['io.infinitic.spec'];
    const current = existing.find((r) => r.replica === replica);
    if (current && current.spec === hash && current.state === 'running') {
      result.kept.push(current.name);
      continue;
    }
    starts.push(
      (async () => {
        if (current) await docker.getContainer(current.id).remove({ force: true });
        const container = await docker.createContainer(spec);
        result.created.push(spec.name ?? container.id);
        await container.start();
      })(),
    );
  }
  const outcomes = await Promise.allSettled(starts);
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return result;
}

/** Host port published for a container port, read back from Docker. */
export function hostPort(replica: ReplicaInfo, containerPort: number): number {
  const port = replica.ports[String(containerPort)];
  if (!port) throw new Error(`${replica.name} publishes no host port for ${containerPort}`);
  return port;
}

/** Readiness of one replica as the dev stack defines it (not only Docker's health). */
export async function replicaReady(
  docker: Docker,
  service: StackService,
  replica: ReplicaInfo,
): Promise<boolean> {
  // throws at once when the container stopped; the probes below are the real readiness
  await containerHealthy(docker, replica.id, replica.name);
  switch (service.name) {
    case 'pulsar':
      return httpOk(`http://127.0.0.1:${hostPort(replica, 8080)}/admin/v2/brokers/health`, 'ok');
    case 'redis':
      return redisPing('127.0.0.1', hostPort(replica, 6379));
    default: {
      const port = service.ports.find((p) => p.name === 'health')?.container ?? 8090;
      return httpOk(`http://127.0.0.1:${hostPort(replica, port)}${service.readyPath ?? '/ready'}`);
    }
  }
}

/** Waits until every replica of the service is ready; returns the time it took. */
export async function waitReplicasReady(
  docker: Docker,
  model: StackModel,
  service: StackService,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  const replicas = await listReplicas(docker, model.project, service.name);
  await Promise.all(
    replicas.map((replica) =>
      waitUntil(`${replica.name} (${service.name})`, timeoutMs, async () => {
        // ports are assigned once the container runs: re-read them
        const [fresh] = await listReplicas(docker, model.project, service.name).then((all) =>
          all.filter((r) => r.id === replica.id),
        );
        return fresh ? replicaReady(docker, service, fresh) : false;
      }),
    ),
  );
  return Date.now() - start;
}
