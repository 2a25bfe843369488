/**
 * Turns one service replica of the stack model into dockerode create options, plus a hash of
 * those options kept as a label: `up` keeps a running container whose hash matches and replaces
 * one whose spec (or image) changed. Extra labels are left out of the hash.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { LABELS, stackLabels } from './labels.ts';
import type { StackModel, StackService } from './model.ts';

export function containerName(model: StackModel, service: StackService, replica: number): string {
  return `${model.project}-${service.name}-${replica}`;
}

export function containerSpec(
  model: StackModel,
  service: StackService,
  replica: number,
  imageId: string,
): Docker.ContainerCreateOptions {
  const env = { ...service.envFile, ...service.env };
  const health = service.healthcheck;
  const options: Docker.ContainerCreateOptions = {
    name: containerName(model, service, replica),
    Image: service.image,
    Cmd: service.command,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: stackLabels(model.project, service.name, replica, model.extraLabels),
    ExposedPorts: Object.fromEntries(service.ports.map((p) => [`${p.container}/tcp`, {}])),
    Healthcheck: {
      Test: health.test,
      Interval: health.intervalMs * 1e6, // nanoseconds
      Timeout: health.timeoutMs * 1e6,
      Retries: health.retries,
      StartPeriod: health.startPeriodMs * 1e6,
    },
    HostConfig: {
      Init: service.init,
      RestartPolicy: { Name: service.restart },
      PortBindings: Object.fromEntries(
        service.ports.map((p) => [
          `${p.container}/tcp`,
          [{ HostIp: '127.0.0.1', HostPort: p.host === 0 ? '' : String(p.host) }],
        ]),
      ),
      Binds: service.volumes.map((v) => `${v.name}:${v.target}`),
      Memory: service.resources.memoryMB * 1024 * 1024,
      NanoCpus: Math.round(service.resources.cpus * 1e9),
      NetworkMode: model.network,
    },
    NetworkingConfig: { EndpointsConfig: { [model.network]: { Aliases: [service.name] } } },
  };
  // Extra labels (e.g. the test label) are bookkeeping, not spec: adding one must not replace replicas.
  const hashed = { ...options, Labels: stackLabels(model.project, service.name, replica) };
  const hash = createHash('sha256').update(JSON.stringify(hashed)).update(imageId).digest('hex').slice(0, 16);
  (options.Labels as Record<string, string>)[LABELS.spec] = hash;
  return options;
}
