/**
 * Renders the stack model as a docker-compose.yml (Compose Specification; also accepted by
 * docker-compose v1). Image names stay overridable with the same variables `infinitic dev up` reads
 * (`${INFINITIC_PULSAR_IMAGE:-apachepulsar/pulsar:4.0.8}`), every other value comes from the model.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'yaml';
import type { StackModel, StackService } from './model.ts';

/** Compose interpolates `$`: a literal one is written `$$`. */
const escapeDollars = (value: string) => value.replaceAll('$', () => '$$');

export function composeDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function composePort(port: { host: number; container: number }): string {
  return port.host === 0 ? `127.0.0.1::${port.container}` : `127.0.0.1:${port.host}:${port.container}`;
}

function renderService(model: StackModel, service: StackService): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (service.build) {
    out.build = {
      context: '.',
      dockerfile: service.build.dockerfile,
      args: { [service.build.arg]: `\${${service.build.argEnv}:-${service.build.argDefault}}` },
    };
    out.image = service.image;
  } else {
    out.image = service.imageEnv ? `\${${service.imageEnv}:-${service.imageDefault}}` : service.image;
  }
  if (service.command) out.command = service.command.map(escapeDollars);
  if (service.init) out.init = true;
  if (service.restart !== 'no') out.restart = service.restart;
  if (Object.keys(service.envFile).length > 0 || existsSync(join(model.projectDir, '.env'))) {
    if (service.name === 'worker') out.env_file = ['.env'];
  }
  if (Object.keys(service.env).length > 0) {
    out.environment = Object.fromEntries(Object.entries(service.env).map(([k, v]) => [k, escapeDollars(v)]));
  }
  if (service.ports.length > 0) out.ports = service.ports.map(composePort);
  if (service.volumes.length > 0) out.volumes = service.volumes.map((v) => `${v.key}:${v.target}`);
  const health = service.healthcheck;
  out.healthcheck = {
    test: health.test.map(escapeDollars),
    interval: composeDuration(health.intervalMs),
    timeout: composeDuration(health.timeoutMs),
    retries: health.retries,
    ...(health.startPeriodMs ? { start_period: composeDuration(health.startPeriodMs) } : {}),
  };
  if (service.dependsOn.length > 0) {
    out.depends_on = Object.fromEntries(service.dependsOn.map((d) => [d, { condition: 'service_healthy' }]));
  }
  out.labels = service.labels;
  out.networks = [model.networkKey];
  out.deploy = {
    ...(service.name === 'worker' ? { replicas: service.replicas } : {}),
    resources: { limits: { cpus: String(service.resources.cpus), memory: `${service.resources.memoryMB}M` } },
  };
  return out;
}

export function renderComposeFile(model: StackModel): string {
  const body = {
    services: Object.fromEntries(model.services.map((s) => [s.name, renderService(model, s)])),
    networks: {
      [model.networkKey]: { labels: { ...model.extraLabels, 'io.infinitic.project': model.project } },
    },
    volumes: Object.fromEntries(
      model.volumes.map((v) => [
        v.key,
        { labels: { ...model.extraLabels, 'io.infinitic.project': model.project } },
      ]),
    ),
  };
  // YAML 1.1 scalars so docker-compose v1 (PyYAML) reads 'yes'/'no' as strings too.
  const doc = new Document(body, { version: '1.1' });
  doc.commentBefore = [
    ` Dev stack of ${model.project}, generated from the create-infinitic-app stack model`,
    ' (the same model `infinitic dev up` runs). Regenerate rather than edit by hand.',
    ' Images: override with INFINITIC_PULSAR_IMAGE, INFINITIC_REDIS_IMAGE, NODE_IMAGE (worker base).',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
