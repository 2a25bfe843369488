/**
 * Brings one service to N replicas: keeps a running replica whose spec hash matches, replaces one
 * that changed or stopped (a killed replica comes back this way), removes replicas above N after a
 * graceful stop. Then waits for each replica's real readiness.
 */
import type Docker from 'dockerode';
import { containerSpec } from './container-spec.ts';
import type { Progress } from './images.ts';
import { listReplicas, type ReplicaInfo } from './inventory.ts';
import type { StackModel, StackService } from './model.ts';
import { containerHealthy, httpOk, redisPing, waitUntil } from './wait.ts';

export interface EnsureResult {
  kept: string[];
  created: string[];
  removed: string[];
}

/** Seconds a replica gets to finish in-flight work on SIGTERM before Docker kills it. */
const STOP_GRACE_S = 10;

/** Stops a container with SIGTERM (the worker releases its work), then removes it. */
async function retire(docker: Docker, id: string): Promise<void> {
  const container = docker.getContainer(id);
  await container.stop({ t: STOP_GRACE_S }).catch(() => {}); // 304: already stopped
  await container.remove({ force: true });
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
  const surplus = existing.filter((r) => r.replica > count || r.replica < 1);
  await Promise.all(surplus.map((old) => retire(docker, old.id)));
  result.removed.push(...surplus.map((old) => old.name));
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
        if (current) await retire(docker, current.id);
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

/** Seconds between "still waiting" lines while replicas start. */
const STILL_WAITING_MS = 10_000;

/**
 * Waits until every replica of the service is ready; returns the time it took. `progress` gets a
 * line as each replica becomes ready and, every 10 s, which ones it still waits for.
 */
export async function waitReplicasReady(
  docker: Docker,
  model: StackModel,
  service: StackService,
  timeoutMs: number,
  progress: Progress = () => {},
): Promise<number> {
  const start = Date.now();
  const replicas = await listReplicas(docker, model.project, service.name);
  const pending = new Set(replicas.map((r) => r.name));
  const seconds = () => ((Date.now() - start) / 1000).toFixed(1);
  const ticker = setInterval(() => {
    if (pending.size > 0) progress(`still waiting for ${[...pending].join(', ')} (${seconds()} s)`);
  }, STILL_WAITING_MS);
  try {
    await Promise.all(
      replicas.map(async (replica) => {
        await waitUntil(`${replica.name} (${service.name})`, timeoutMs, async () => {
          // ports are assigned once the container runs: re-read them
          const [fresh] = await listReplicas(docker, model.project, service.name).then((all) =>
            all.filter((r) => r.id === replica.id),
          );
          return fresh ? replicaReady(docker, service, fresh) : false;
        });
        pending.delete(replica.name);
        if (replicas.length > 1) progress(`${replica.name} ready (${seconds()} s)`);
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  return Date.now() - start;
}
