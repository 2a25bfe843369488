/**
 * `dev up`: Docker reachable → host ports free → images present (pulled or explained) → labelled
 * network and volumes → Pulsar and Redis healthy → tenant/namespace provisioned → worker image
 * built → N replicas ready. Idempotent: healthy, unchanged containers are kept. If a phase fails,
 * the containers it created are removed before the error is rethrown (healthy Pulsar and Redis
 * stay up when only the workers fail, so the next `up` is fast).
 */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { buildWorkerImage, ensureImage, imageId, type Progress } from './images.ts';
import { listReplicas } from './inventory.ts';
import { stackLabels } from './labels.ts';
import type { StackModel, StackService } from './model.ts';
import { checkPorts, type PortConflict } from './ports.ts';
import { provisionNamespace } from './pulsar-admin.ts';
import { ensureReplicas, hostPort, waitReplicasReady } from './replicas.ts';
import { type StackStatus, status } from './status.ts';

export interface UpOptions {
  /** Build the worker image (default true); false uses the image already built. */
  build?: boolean;
  /** Move busy host ports to free ones instead of failing. */
  freePorts?: boolean;
  progress?: Progress;
  docker?: Docker;
  /** Per-service readiness timeouts (ms). */
  timeouts?: Partial<Record<'pulsar' | 'redis' | 'worker', number>>;
}

export interface UpResult {
  status: StackStatus;
  /** Busy ports that were moved (with freePorts). */
  movedPorts: PortConflict[];
  /** Containers kept as they were, created (new or replaced) and removed, by name. */
  changes: { kept: string[]; created: string[]; removed: string[] };
  timings: {
    totalMs: number;
    pulsarReadyMs?: number;
    redisReadyMs?: number;
    workersReadyMs?: number;
    buildMs?: number;
  };
}

// Pulsar: ~10–20 s on an idle machine, over 100 s seen on a busy 2-core one.
const DEFAULT_TIMEOUTS = { pulsar: 180_000, redis: 30_000, worker: 90_000 };

async function ensureNetwork(docker: Docker, model: StackModel): Promise<void> {
  const found = await docker.listNetworks({ filters: { name: [model.network] } });
  if (found.some((n) => n.Name === model.network)) return;
  await docker.createNetwork({
    Name: model.network,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: stackLabels(model.project, undefined, undefined, model.extraLabels),
  });
}

async function ensureVolumes(docker: Docker, model: StackModel): Promise<void> {
  for (const volume of model.volumes) {
    const service = model.services.find((s) => s.volumes.includes(volume))?.name;
    // creating an existing volume is a no-op in the Docker API
    await docker.createVolume({
      Name: volume.name,
      Labels: stackLabels(model.project, service, undefined, model.extraLabels),
    });
  }
}

async function serviceImageId(
  docker: Docker,
  service: StackService,
  build: boolean,
  model: StackModel,
  progress: Progress,
) {
  if (!service.build) {
    await ensureImage(docker, service, progress);
    return imageId(docker, service.image);
  }
  if (build) return buildWorkerImage(docker, model, service, progress);
  try {
    return await imageId(docker, service.image);
  } catch {
    throw new StackError(
      STACK_CODES.imageMissing,
      `worker image ${service.image} is not built yet; run: infinitic dev up --build`,
    );
  }
}

export async function up(model: StackModel, options: UpOptions = {}): Promise<UpResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const docker = options.docker ?? (await connectDocker());
  const movedPorts = await checkPorts(docker, model, options.freePorts);
  for (const moved of movedPorts)
    progress(`port ${moved.port} is busy: ${moved.service} ${moved.name} uses ${moved.suggestion}`);

  const infra = model.services.filter((s) => !s.build);
  const workers = model.services.filter((s) => s.build);
  const ids = new Map<string, string>();
  for (const service of infra)
    ids.set(service.name, await serviceImageId(docker, service, false, model, progress));

  await ensureNetwork(docker, model);
  await ensureVolumes(docker, model);
  const timings: UpResult['timings'] = { totalMs: 0 };
  const created: string[] = [];
  const changes: UpResult['changes'] = { kept: [], created, removed: [] };
  // containers created by the phase under way: removed if it fails (healthy infra survives a worker failure)
  let rollback: string[] = [];
  let infraReady = false;
  const record = (r: { kept: string[]; created: string[]; removed: string[] }) => {
    changes.kept.push(...r.kept);
    created.push(...r.created);
    rollback.push(...r.created);
    changes.removed.push(...r.removed);
  };
  try {
    progress(`starting ${infra.map((s) => s.name).join(', ')}`);
    for (const service of infra) record(await ensureReplicas(docker, model, service, ids.get(service.name)!));
    // build the worker image while Pulsar starts
    const buildStart = Date.now();
    const building = Promise.all(
      workers.map(async (w) =>
        ids.set(w.name, await serviceImageId(docker, w, options.build ?? true, model, progress)),
      ),
    ).then(() => {
      timings.buildMs = Date.now() - buildStart;
    });
    building.catch(() => {});
    await Promise.all(
      infra.map(async (service) => {
        const ms = await waitReplicasReady(
          docker,
          model,
          service,
          timeouts[service.name as 'pulsar' | 'redis'],
          progress,
        );
        if (service.name === 'pulsar') timings.pulsarReadyMs = ms;
        if (service.name === 'redis') timings.redisReadyMs = ms;
        progress(`${service.name} ready (${(ms / 1000).toFixed(1)} s)`);
      }),
    );
    if (infra.some((s) => s.name === 'pulsar')) {
      const [pulsar] = await listReplicas(docker, model.project, 'pulsar');
      const adminUrl = `http://127.0.0.1:${hostPort(pulsar!, 8080)}`;
      await provisionNamespace(adminUrl, model.pulsar.tenant, model.pulsar.namespace);
      progress(`pulsar namespace ${model.pulsar.tenant}/${model.pulsar.namespace} ready`);
    }
    infraReady = true;
    rollback = [];
    await building;
    for (const worker of workers) {
      record(await ensureReplicas(docker, model, worker, ids.get(worker.name)!));
      progress(`waiting for ${worker.replicas} ${worker.name} replica(s) to be ready`);
      timings.workersReadyMs = await waitReplicasReady(docker, model, worker, timeouts.worker, progress);
    }
  } catch (error) {
    await Promise.all(
      rollback.map((name) =>
        docker
          .getContainer(name)
          .remove({ force: true })
          .catch(() => {}),
      ),
    );
    if (!infraReady || infra.length === 0) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof StackError ? error.code : STACK_CODES.unhealthy;
    throw new StackError(
      code,
      `${message}; ${infra.map((s) => s.name).join(' and ')} keep running (fix and rerun infinitic dev up, or infinitic dev down)`,
      { cause: error },
    );
  }
  timings.totalMs = Date.now() - started;
  return {
    // Every replica was just seen ready: a probe missed on a busy machine is probed again.
    status: await status(model.project, { docker, tenant: model.pulsar, settleMs: 5000 }),
    movedPorts,
    changes,
    timings,
  };
}
